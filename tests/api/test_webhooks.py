"""Webhooks: admins add endpoints; events reach them signed, from the outbox, retried.

The receiver is a real HTTP server on loopback, so these tests allow private targets;
one test checks that the default refuses them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook as Verifier

from comments.models import User
from comments.service import Service
from comments.service.webhooks import DISABLE_AFTER
from comments.storage import Webhook, WebhookDelivery
from tests.harness import Harness

HOOKS = "/api/v1/sites/news/webhooks"


@dataclass
class Received:
    """What the receiver was sent."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A local HTTP server: `/ok` answers 204, `/fail` 500, `/moved` redirects to `/ok`,
    `/huge` streams 100 MB, `/slow` waits before answering."""

    port: int = 0
    got: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def on(self, path: str) -> list[Received]:
        return [r for r in self.got if r.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            state.got.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                      body))  # fmt: skip
            if self.path == "/fail":
                self.send_response(500)
                self.end_headers()
            elif self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", state.url("/ok"))
                self.end_headers()
            elif self.path == "/huge":
                self.send_response(200)
                self.send_header("Content-Length", str(100 << 20))
                self.end_headers()
                chunk = b"x" * (1 << 20)
                try:
                    for _ in range(100):
                        self.wfile.write(chunk)
                except OSError:
                    pass  # the sender stopped reading, as it should
            elif self.path == "/slow":
                state.release.wait(30)
                self.send_response(200)
                self.end_headers()
            else:
                self.send_response(204)
                self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def hooked(database_url: str) -> Iterator[Harness]:
    """The app on SQLite and PostgreSQL, allowed to send to loopback."""
    with Harness.start(database_url, webhook_allow_private=True) as h:
        yield h


def wait_for(check: Callable[[], Any], seconds: float = 30.0) -> Any:
    """Poll until `check` answers something true (the dispatcher works in the background)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("nothing arrived in time")


def add(h: Harness, admin: str, url: str, events: list[str] | None = None) -> dict[str, Any]:
    answer = h.client.post(HOOKS, json={"url": url, "events": events or ["comment.created"]},
                           headers=h.auth(admin))  # fmt: skip
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()
    return data


def deliveries(h: Harness, admin: str, hook_id: str) -> list[dict[str, Any]]:
    answer = h.client.get(f"{HOOKS}/{hook_id}/deliveries", headers=h.auth(admin))
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["deliveries"]
    return rows


def verified(secret: str, got: Received) -> dict[str, Any]:
    """The payload, if the signature holds (checked by the Standard Webhooks library)."""
    payload: dict[str, Any] = Verifier(secret).verify(got.body, got.headers)
    return payload


def test_admins_manage_endpoints_and_see_the_secret_once(hooked: Harness) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    moderator = h.moderator("dev:mod")
    made = add(h, admin, "https://hooks.example/in", ["comment.created", "user.banned"])
    assert made["secret"].startswith("whsec_")
    listed = h.client.get(HOOKS, headers=h.auth(admin)).json()["webhooks"]
    assert [w["id"] for w in listed] == [made["id"]]
    assert "secret" not in listed[0] and made["secret"] not in json.dumps(listed)
    assert listed[0]["events"] == ["comment.created", "user.banned"]

    refused = h.client.get(HOOKS, headers=h.auth(moderator))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    for body, name in [
        ({"url": "https://hooks.example/in", "events": ["comment.eaten"]}, "events"),
        ({"url": "ftp://hooks.example/in", "events": ["comment.created"]}, "url"),
        ({"url": "https://hooks.example/" + "a" * 2000, "events": ["comment.created"]}, "url"),
        ({"url": "https://hooks.example/in", "events": []}, "events"),
    ]:
        bad = h.client.post(HOOKS, json=body, headers=h.auth(admin))
        assert bad.status_code == 422, bad.text
        assert {key.split(".")[0] for key in bad.json()["error"]["fields"]} == {name}

    for n in range(19):
        add(h, admin, f"https://hooks.example/{n}")
    more = {"url": "https://hooks.example/more", "events": ["comment.created"]}
    full = h.client.post(HOOKS, json=more, headers=h.auth(admin))
    assert full.status_code == 422
    assert "20" in full.json()["error"]["message"]

    gone = h.client.delete(f"{HOOKS}/{made['id']}", headers=h.auth(admin))
    assert gone.status_code == 204
    again = h.client.delete(f"{HOOKS}/{made['id']}", headers=h.auth(admin))
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "not_found"


def test_private_and_loopback_targets_are_refused_by_default(quick: Harness) -> None:
    admin = quick.moderator("dev:boss", role="admin")
    for url in ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/",
                "http://[::1]/hook", "http://169.254.169.254/latest"]:  # fmt: skip
        answer = quick.client.post(HOOKS, json={"url": url, "events": ["comment.created"]},
                                   headers=quick.auth(admin))  # fmt: skip
        assert answer.status_code == 422, (url, answer.text)
        assert answer.json()["error"]["fields"] == {"url": "refused"}


def test_a_new_comment_reaches_the_endpoint_signed_without_email_or_address(
    hooked: Harness, receiver: Receiver
) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    made = add(h, admin, receiver.url("/ok"))

    async def with_email(s: Service) -> None:
        now = datetime.now(UTC)
        await s.deps.storage.upsert_user(
            User(
                id="dev:bob", name="Bob", avatar_url=None, email="bob@mail.example", created_at=now
            )
        )

    h.run(with_email)
    token = h.token("dev:bob")
    posted = h.post(token, "Webhooks should carry this.")
    assert posted.status_code == 201, posted.text

    got = wait_for(lambda: receiver.on("/ok"))[0]
    payload = verified(made["secret"], got)
    assert payload["type"] == "comment.created"
    assert payload["data"]["comment"]["id"] == posted.json()["id"]
    assert payload["data"]["comment"]["body"] == "Webhooks should carry this."
    assert payload["data"]["author"]["name"] == "Bob"
    text = got.body.decode()
    assert "bob@mail.example" not in text and "@" not in text
    assert "127.0.0.1" not in text and "testclient" not in text
    assert got.headers["webhook-id"].startswith("msg_")

    logged = wait_for(lambda: deliveries(h, admin, made["id"]))
    assert logged[0]["status"] == "delivered"
    assert logged[0]["response_code"] == 204
    assert logged[0]["message_id"] == got.headers["webhook-id"]


def test_events_an_endpoint_did_not_ask_for_are_not_sent(
    hooked: Harness, receiver: Receiver
) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    add(h, admin, receiver.url("/ok"), ["comment.rejected"])
    wanted = add(h, admin, receiver.url("/ok?all"), ["comment.created"])
    posted = h.post(h.token("dev:bob"))
    assert posted.status_code == 201
    wait_for(lambda: receiver.on("/ok?all"))
    decided = h.client.post(f"/api/v1/moderation/comments/{posted.json()['id']}/decision",
                            json={"action": "reject"}, headers=h.auth(admin))  # fmt: skip
    assert decided.status_code == 200, decided.text
    rejected = wait_for(lambda: receiver.on("/ok"))
    assert [verified(wanted["secret"], r)["type"] for r in receiver.on("/ok?all")] == [
        "comment.created"
    ]
    assert json.loads(rejected[0].body)["type"] == "comment.rejected"
    assert json.loads(rejected[0].body)["data"]["comment"]["status"] == "rejected"


@pytest.mark.parametrize(
    ("path", "code", "error"),
    [("/fail", 500, "answered 500"), ("/moved", 302, "answered 302")],
)
def test_a_failing_target_is_logged_and_tried_again(
    hooked: Harness, receiver: Receiver, path: str, code: int, error: str
) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    made = add(h, admin, receiver.url(path))
    assert h.post(h.token("dev:bob")).status_code == 201
    first = wait_for(lambda: deliveries(h, admin, made["id"]))[-1]
    assert (first["status"], first["response_code"], first["error"]) == ("failed", code, error)
    assert first["attempt"] == 1
    retried = wait_for(lambda: len(deliveries(h, admin, made["id"])) >= 2 and
                       deliveries(h, admin, made["id"]))  # fmt: skip
    assert retried[0]["attempt"] == 2
    assert retried[0]["message_id"] == first["message_id"]
    assert receiver.on("/ok") == []  # the redirect was not followed
    hook = h.client.get(HOOKS, headers=h.auth(admin)).json()["webhooks"][0]
    assert hook["failures"] >= 2 and hook["enabled"]


def test_a_huge_answer_is_not_read_and_a_slow_one_times_out(
    hooked: Harness, receiver: Receiver
) -> None:
    h = hooked
    sender = h.service.dispatcher.webhooks
    assert sender is not None
    sender.timeout = 1.0  # ten seconds in service; the test need not wait that long
    admin = h.moderator("dev:boss", role="admin")
    huge = add(h, admin, receiver.url("/huge"))
    slow = add(h, admin, receiver.url("/slow"))
    assert h.post(h.token("dev:bob")).status_code == 201
    big = wait_for(lambda: deliveries(h, admin, huge["id"]))[-1]
    assert (big["status"], big["response_code"]) == ("delivered", 200)
    late = wait_for(lambda: deliveries(h, admin, slow["id"]))[-1]
    assert late["status"] == "failed" and late["response_code"] is None
    assert late["error"].startswith("timeout")


def test_rotation_signs_with_both_secrets_and_test_and_redeliver_resend(
    hooked: Harness, receiver: Receiver
) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    made = add(h, admin, receiver.url("/ok"))
    rotated = h.client.post(f"{HOOKS}/{made['id']}/rotate", headers=h.auth(admin))
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new != made["secret"]

    sent = h.client.post(f"{HOOKS}/{made['id']}/test", headers=h.auth(admin))
    assert sent.status_code == 202, sent.text
    got = wait_for(lambda: receiver.on("/ok"))[0]
    assert got.headers["webhook-id"] == sent.json()["message_id"]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert verified(new, got)["type"] == "webhook.test"
    assert verified(made["secret"], got)["type"] == "webhook.test"

    logged = wait_for(lambda: deliveries(h, admin, made["id"]))
    again = h.client.post(
        f"{HOOKS}/{made['id']}/deliveries/{logged[0]['id']}/redeliver", headers=h.auth(admin)
    )
    assert again.status_code == 202, again.text
    repeated = wait_for(lambda: len(receiver.on("/ok")) >= 2 and receiver.on("/ok"))
    assert repeated[1].headers["webhook-id"] == got.headers["webhook-id"]
    assert repeated[1].body == got.body


def test_an_endpoint_failing_fifty_times_in_a_row_is_disabled(harness: Harness) -> None:
    async def work(s: Service) -> tuple[bool, bool, bool]:
        storage, now = s.deps.storage, datetime.now(UTC)
        hook = Webhook(id=s.deps.ids.new(), site="news", url="https://hooks.example/in",
                       events=("comment.created",), secret="whsec_AAAA", previous_secret=None,
                       previous_until=None, enabled=True, failures=0, created_at=now)  # fmt: skip
        assert await storage.add_webhook(hook, 20)

        def attempt(ok: bool) -> WebhookDelivery:
            return WebhookDelivery(
                id=s.deps.ids.new(), webhook_id=hook.id, message_id="msg_1",
                event="comment.created", payload={}, status="delivered" if ok else "failed",
                response_code=200 if ok else 500, latency_ms=3, attempt=1, error=None,
                created_at=now, delivered_at=now if ok else None,
            )  # fmt: skip

        for _ in range(DISABLE_AFTER - 1):
            await storage.log_delivery(attempt(False), DISABLE_AFTER)
        after_a_success = await storage.log_delivery(attempt(True), DISABLE_AFTER)
        for _ in range(DISABLE_AFTER - 1):
            await storage.log_delivery(attempt(False), DISABLE_AFTER)
        before_the_fiftieth = (await storage.get_webhook(hook.id)).enabled  # type: ignore[union-attr]
        last = await storage.log_delivery(attempt(False), DISABLE_AFTER)
        return after_a_success, before_the_fiftieth, last

    assert harness.run(work) == (True, True, False)


def test_edits_reports_deletions_and_bans_are_sent(hooked: Harness, receiver: Receiver) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    events = ["comment.updated", "comment.reported", "comment.deleted", "user.banned",
              "user.unbanned"]  # fmt: skip
    made = add(h, admin, receiver.url("/ok"), events)
    bob, carol = h.token("dev:bob"), h.token("dev:carol")
    posted = h.post(bob, "First thoughts.")
    assert posted.status_code == 201, posted.text
    comment_id = posted.json()["id"]

    def sent() -> list[dict[str, Any]]:
        return [verified(made["secret"], r) for r in receiver.on("/ok")]

    edited = h.client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Second thoughts."},
                            headers=h.auth(bob))  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert (
        wait_for(lambda: [p for p in sent() if p["type"] == "comment.updated"])[0]["data"][
            "comment"
        ]["body"]
        == "Second thoughts."
    )

    reported = h.client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "spam"},
                             headers=h.auth(carol))  # fmt: skip
    assert reported.status_code in (200, 201, 204), reported.text
    got = wait_for(lambda: [p for p in sent() if p["type"] == "comment.reported"])[0]
    assert got["data"]["reports"]["count"] == 1

    deleted = h.client.delete(f"/api/v1/comments/{comment_id}", headers=h.auth(bob))
    assert deleted.status_code == 204, deleted.text
    got = wait_for(lambda: [p for p in sent() if p["type"] == "comment.deleted"])[0]
    assert got["data"]["comment"]["id"] == comment_id

    banned = h.client.post("/api/v1/sites/news/bans", json={"user_id": "dev:carol",
                           "reason": "Spam."}, headers=h.auth(admin))  # fmt: skip
    assert banned.status_code in (200, 201), banned.text
    lifted = h.client.delete("/api/v1/sites/news/bans/dev:carol", headers=h.auth(admin))
    assert lifted.status_code == 204, lifted.text
    wait_for(lambda: [p for p in sent() if p["type"] == "user.unbanned"])
    kinds = [p["type"] for p in sent()]
    assert kinds.count("user.banned") == 1 and kinds.count("user.unbanned") == 1
    assert [p["data"]["user_id"] for p in sent() if p["type"].startswith("user.")] == [
        "dev:carol", "dev:carol"
    ]  # fmt: skip


def test_the_separate_worker_delivers_what_web_processes_only_write(
    sqlite_url: str, receiver: Receiver
) -> None:
    from comments.app import run_worker
    from comments.settings import Settings

    settings: dict[str, Any] = {"webhook_allow_private": True, "worker": "external"}
    with Harness.start(sqlite_url, **settings) as h:
        admin = h.moderator("dev:boss", role="admin")
        made = add(h, admin, receiver.url("/ok"))
        posted = h.post(h.token("dev:bob"), "Delivered by the worker.")
        assert posted.status_code == 201

        loop = asyncio.new_event_loop()
        worker = loop.create_task(
            run_worker(Settings(database_url=sqlite_url, secret_key="s" * 32, **settings))
        )

        def run() -> None:
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(worker)
            loop.close()

        runner = threading.Thread(target=run, daemon=True)
        runner.start()
        try:
            got = wait_for(lambda: receiver.on("/ok"))[0]
        finally:
            loop.call_soon_threadsafe(worker.cancel)
            runner.join(30)
        assert (
            verified(made["secret"], got)["data"]["comment"]["body"] == "Delivered by the worker."
        )


def test_the_delivery_log_forgets_attempts_after_thirty_days(harness: Harness) -> None:
    async def work(s: Service) -> list[str]:
        storage, now = s.deps.storage, datetime.now(UTC)
        hook = Webhook(id=s.deps.ids.new(), site="news", url="https://hooks.example/in",
                       events=("comment.created",), secret="whsec_AAAA", previous_secret=None,
                       previous_until=None, enabled=True, failures=0, created_at=now)  # fmt: skip
        assert await storage.add_webhook(hook, 20)
        for days, message in [(31, "msg_old"), (29, "msg_recent")]:
            at = now - timedelta(days=days)
            await storage.log_delivery(
                WebhookDelivery(
                    id=s.deps.ids.new(),
                    webhook_id=hook.id,
                    message_id=message,
                    event="comment.created",
                    payload={},
                    status="delivered",
                    response_code=204,
                    latency_ms=3,
                    attempt=1,
                    error=None,
                    created_at=at,
                    delivered_at=at,
                ),
                DISABLE_AFTER,
            )
        await s.dispatcher.prune()
        return [d.message_id for d in await storage.deliveries(hook.id, None, 10)]

    assert harness.run(work) == ["msg_recent"]


def test_closing_and_opening_a_thread_are_sent(hooked: Harness, receiver: Receiver) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    made = add(h, admin, receiver.url("/ok"), ["thread.closed", "thread.opened"])
    assert h.post(h.token("dev:bob"), "Before the close.").status_code == 201

    def sent() -> list[dict[str, Any]]:
        return [verified(made["secret"], r) for r in receiver.on("/ok")]

    for action in ("close", "open"):
        r = h.client.post(f"/api/v1/sites/news/threads/{action}", json={"thread": "union"},
                          headers=h.auth(admin))  # fmt: skip
        assert r.status_code == 200, r.text
    got = wait_for(lambda: [p for p in sent() if p["type"] == "thread.opened"])
    kinds = [p["type"] for p in sent()]
    assert kinds == ["thread.closed", "thread.opened"], kinds
    assert got[0]["data"]["thread"] == {"key": "union", "closed": False}


def test_a_disabled_endpoint_is_switched_back_on_and_every_change_is_audited(
    hooked: Harness,
) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    made = add(h, admin, "https://hooks.example/in", ["comment.created", "user.banned"])

    async def fail_it(s: Service) -> None:
        now = datetime.now(UTC)
        for _ in range(DISABLE_AFTER):
            await s.deps.storage.log_delivery(WebhookDelivery(
                id=s.deps.ids.new(), webhook_id=made["id"], message_id="msg_1",
                event="comment.created", payload={}, status="failed", response_code=500,
                latency_ms=3, attempt=1, error="answered 500", created_at=now, delivered_at=None,
            ), DISABLE_AFTER)  # fmt: skip

    h.run(fail_it)
    listed = h.client.get(HOOKS, headers=h.auth(admin)).json()["webhooks"]
    assert (listed[0]["enabled"], listed[0]["failures"]) == (False, DISABLE_AFTER)
    moderator = h.moderator("dev:mod")
    refused = h.client.post(f"{HOOKS}/{made['id']}/enable", headers=h.auth(moderator))
    assert refused.status_code == 403
    on = h.client.post(f"{HOOKS}/{made['id']}/enable", headers=h.auth(admin))
    assert on.status_code == 200, on.text
    assert (on.json()["enabled"], on.json()["failures"]) == (True, 0)
    listed = h.client.get(HOOKS, headers=h.auth(admin)).json()["webhooks"]
    assert (listed[0]["enabled"], listed[0]["failures"]) == (True, 0)
    rotated = h.client.post(f"{HOOKS}/{made['id']}/rotate", headers=h.auth(admin)).json()
    assert h.client.delete(f"{HOOKS}/{made['id']}", headers=h.auth(admin)).status_code == 204
    missing = h.client.post(f"{HOOKS}/{made['id']}/enable", headers=h.auth(admin))
    assert missing.status_code == 404

    log = h.client.get("/api/v1/sites/news/moderation/log", headers=h.auth(admin)).json()
    entries = [e for e in log["entries"] if e["action"].startswith("webhook.")]
    actions = ["webhook.delete", "webhook.rotate", "webhook.enable", "webhook.add"]
    assert [e["action"] for e in entries] == actions
    for entry in entries:
        assert entry["details"]["url"] == "https://hooks.example/in"
        assert entry["details"]["events"] == ["comment.created", "user.banned"]
    text = json.dumps(log)
    assert made["secret"] not in text and rotated["secret"] not in text
