"""Where webhook messages may go: the connection vets the addresses it connects to, a
redirect is never followed, and an endpoint switched off for failing is audited and
announced to its admins.

The receivers are real HTTP servers on loopback. DNS is the one thing outside this
machine: the tests steer `safe_transport.resolve` (what delivery asks DNS through) with
a fake that answers made-up names, and hands every other name to the real resolver.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from comments.service import Service, safe_transport
from comments.service.webhooks import DISABLE_AFTER, WebhookFailed, send_item
from comments.storage import DueOutbox, OutboxItem
from tests.api.test_webhooks import add, deliveries, hooked, wait_for
from tests.harness import Harness

__all__ = ["hooked"]  # the fixture, shared with tests/api/test_webhooks.py

HOOKS = "/api/v1/sites/news/webhooks"
PUBLIC_ADDRESS = "93.184.215.14"
REBINDING = "hooks.rebinding.example"


@dataclass
class Server:
    """A loopback HTTP server: `/ok` answers 204, `/fail` 500, `/away` redirects to
    `redirect_to`; it keeps the path and Host header of every request."""

    redirect_to: str = ""
    port: int = 0
    got: list[tuple[str, str]] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@contextmanager
def serving(tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            state.got.append((self.path, self.headers.get("host", "")))
            if self.path == "/away":
                self.send_response(302)
                self.send_header("Location", state.redirect_to)
            else:
                self.send_response(500 if self.path == "/fail" else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Server]:
    with serving() as server:
        yield server


def certificate(directory: Path, name: str) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate it signs for `name` alone (no IP address in it):
    the CA's file, the certificate's, and its key's."""
    now = datetime.now(UTC)

    def issue(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None,
        signer: ec.EllipticCurvePrivateKey, ca: bool,
    ) -> x509.Certificate:  # fmt: skip
        own = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        made = (
            x509.CertificateBuilder()
            .subject_name(own)
            .issuer_name(issuer or own)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            made = made.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False
            )
        return made.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = issue("Test CA", ca_key, None, ca_key, ca=True)
    leaf = issue(name, key, ca.subject, ca_key, ca=False)
    files = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@dataclass
class Dns:
    """The fake resolver's answers for made-up names, taken in turn (the last repeats);
    `asked` keeps what it answered, in order."""

    answers: dict[str, list[str]] = field(default_factory=dict)
    asked: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Dns:
    state = Dns()
    real = safe_transport.resolve

    async def resolve(host: str, port: int) -> list[str]:
        queue = state.answers.get(host)
        if queue is None:
            return await real(host, port)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        state.asked.append((host, answer))
        return [answer]

    monkeypatch.setattr(safe_transport, "resolve", resolve)
    return state


def send_a_test(h: Harness, admin: str, hook_id: str) -> None:
    """Queue the endpoint's test message (delivered like any other, from the outbox)."""
    sent = h.client.post(f"{HOOKS}/{hook_id}/test", headers=h.auth(admin))
    assert sent.status_code == 202, sent.text


def test_a_name_that_rebinds_to_loopback_after_the_check_is_refused_at_connect(
    harness: Harness, receiver: Server, dns: Dns
) -> None:
    h = harness
    admin = h.moderator("dev:boss", role="admin")
    # Public when the endpoint is added, and when the send checks it; loopback after.
    dns.answers[REBINDING] = [PUBLIC_ADDRESS, PUBLIC_ADDRESS, "127.0.0.1"]
    made = add(h, admin, receiver.url("/ok", host=REBINDING))
    send_a_test(h, admin, made["id"])

    first = wait_for(lambda: deliveries(h, admin, made["id"]))[-1]
    assert first["status"] == "failed" and first["response_code"] is None
    assert first["error"].startswith("refused: ") and "private or loopback" in first["error"]
    assert dns.asked[:3] == [(REBINDING, PUBLIC_ADDRESS)] * 2 + [(REBINDING, "127.0.0.1")]
    assert receiver.got == []


def test_the_connection_goes_to_the_vetted_address_under_the_endpoint_s_name(
    hooked: Harness, receiver: Server, dns: Dns
) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    dns.answers["hooks.receiver.example"] = ["127.0.0.1"]
    made = add(h, admin, receiver.url("/ok", host="hooks.receiver.example"))
    send_a_test(h, admin, made["id"])

    logged = wait_for(lambda: deliveries(h, admin, made["id"]))
    assert (logged[0]["status"], logged[0]["response_code"]) == ("delivered", 204)
    assert receiver.got == [("/ok", f"hooks.receiver.example:{receiver.port}")]


def test_tls_to_the_vetted_address_still_checks_the_certificate_for_the_name(
    hooked: Harness, dns: Dns, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = hooked
    name = "hooks.tls.example"
    ca, cert, key = certificate(tmp_path, name)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the sender trusts this CA alone
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    asked_for: list[str | None] = []
    tls.sni_callback = lambda sock, server_name, context: asked_for.append(server_name)
    dns.answers[name] = ["127.0.0.1"]
    admin = h.moderator("dev:boss", role="admin")
    with serving(tls) as server:
        made = add(h, admin, f"https://{name}:{server.port}/ok")
        send_a_test(h, admin, made["id"])
        logged = wait_for(lambda: deliveries(h, admin, made["id"]))
    assert (logged[0]["status"], logged[0]["response_code"]) == ("delivered", 204), logged
    assert asked_for[:1] == [name]
    assert server.got == [("/ok", f"{name}:{server.port}")]


def test_a_redirect_to_a_private_address_is_not_followed(hooked: Harness, receiver: Server) -> None:
    h = hooked
    admin = h.moderator("dev:boss", role="admin")
    with serving() as private:
        receiver.redirect_to = private.url("/ok")
        made = add(h, admin, receiver.url("/away"))
        send_a_test(h, admin, made["id"])
        first = wait_for(lambda: deliveries(h, admin, made["id"]))[-1]
        assert (first["status"], first["response_code"]) == ("failed", 302)
        assert first["error"] == "answered 302"
        assert [path for path, _ in receiver.got] == ["/away"]
        assert private.got == []


def test_an_endpoint_disabled_after_fifty_failures_is_audited_and_announced(
    database_url: str, receiver: Server
) -> None:
    settings: dict[str, Any] = {"webhook_allow_private": True, "worker": "external"}
    with Harness.start(database_url, **settings) as h:
        admin = h.moderator("dev:boss", role="admin")
        made = add(h, admin, receiver.url("/fail"))

        async def fail_fifty_times(s: Service) -> tuple[int, list[OutboxItem]]:
            sender = s.dispatcher.webhooks
            hook = await s.deps.storage.get_webhook(made["id"])
            assert sender is not None and hook is not None
            now = datetime.now(UTC)
            item = send_item("01SEND", hook, "msg_1", "comment.created", {}, now)
            raised = 0
            for attempt in range(1, DISABLE_AFTER + 1):
                try:
                    await sender.send(DueOutbox(item, attempt))
                except WebhookFailed:
                    raised += 1
            later = now + timedelta(minutes=1)
            due = await s.deps.storage.lease_outbox(later, later + timedelta(minutes=1), 100)
            return raised, [row.item for row in due]

        raised, queued = h.run(fail_fifty_times)
        assert raised == DISABLE_AFTER - 1  # the fiftieth is not retried: it switched it off
        assert len(receiver.got) == DISABLE_AFTER
        listed = h.client.get(HOOKS, headers=h.auth(admin)).json()["webhooks"]
        assert (listed[0]["enabled"], listed[0]["failures"]) == (False, DISABLE_AFTER)

        log = h.client.get("/api/v1/sites/news/moderation/log", headers=h.auth(admin))
        assert log.status_code == 200, log.text
        disabled = [e for e in log.json()["entries"] if e["action"] == "webhook.disabled"]
        assert len(disabled) == 1
        assert disabled[0]["details"] == {
            "webhook_id": made["id"],
            "url": receiver.url("/fail"),
            "failures": DISABLE_AFTER,
        }
        told = [i for i in queued if i.kind == "webhook.disabled"]
        assert [(i.site, i.payload) for i in told] == [
            ("news", {"webhook_id": made["id"], "url": receiver.url("/fail")})
        ]
