"""The readers' live stream of a thread, against real servers (uvicorn on a socket).

A reader holding `GET /api/v1/sites/{site}/events?thread=T` sees new, edited, removed
comments and votes as an anonymous reader would; a reconnect with `Last-Event-ID` gets
exactly what it missed, or `reset` when that is no longer kept; nothing a moderator has
not published ever reaches it; a reader that stops reading is cut off, not buffered;
and with Redis, an event delivered by one instance reaches streams held on another.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2 as httpx
import pytest

from comments.models import SitePolicy
from comments.service import Service
from tests.faults.cluster import RedisServer
from tests.live import LiveServer
from tests.security.streaming import Pair, instances

__all__ = ["instances"]

T = TypeVar("T")
SITE = "news"
ORIGIN = "https://news.example"
THREAD = "union"


@dataclass(frozen=True)
class Event:
    id: str | None
    name: str
    data: Any


class Reader:
    """A Server-Sent Events stream read in a thread: each event with its `id:`, and its end."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.events: list[Event] = []
        self.ended = False
        self._changed = threading.Condition()
        self._socket: socket.socket | None = None
        self._thread = threading.Thread(target=self._read, args=(url, headers or {}))
        self._thread.daemon = True
        self._thread.start()

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with httpx.Client(timeout=httpx.Timeout(10, read=60)) as client:
                with client.stream("GET", url, headers=headers) as response:
                    stream = response.extensions["network_stream"]
                    with self._changed:
                        self.status, self.headers = response.status_code, dict(response.headers)
                        self._socket = stream.get_extra_info("socket")
                        self._changed.notify_all()
                    fields: dict[str, str] = {}
                    for line in response.iter_lines():
                        if line == "":
                            if "event" in fields:
                                self._add(
                                    Event(
                                        fields.get("id"),
                                        fields["event"],
                                        json.loads(fields.get("data", "null")),
                                    )
                                )
                            fields = {}
                        elif not line.startswith(":") and ":" in line:
                            key, value = line.split(":", 1)
                            fields[key] = value.removeprefix(" ")
        except (httpx.HTTPError, httpx.StreamError):
            pass
        finally:
            with self._changed:
                self.ended = True
                self._changed.notify_all()

    def _add(self, event: Event) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait(self, name: str, where: Callable[[Any], bool] = lambda _: True) -> Event:
        """The first event called `name` whose data matches; fails after 15 s."""

        def found() -> Event | None:
            return next((e for e in self.events if e.name == name and where(e.data)), None)

        with self._changed:
            self._changed.wait_for(lambda: found() is not None or self.ended, 15)
            event = found()
        assert event is not None, f"no {name}; got {self.names()}"
        return event

    def wait_end(self, seconds: float = 30) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.ended, seconds), "the stream did not end"

    def names(self) -> list[str]:
        return [e.name for e in self.events]

    def first(self) -> bool:
        """Wait for the first event or the end; whether an event came."""
        with self._changed:
            self._changed.wait_for(lambda: bool(self.events) or self.ended, 15)
            return bool(self.events)

    def close(self) -> None:
        """Hang up, as a reader closing the page does (the server sees it at once)."""
        with self._changed:
            sock = self._socket
        if sock is not None and not self.ended:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)


@pytest.fixture
def readers() -> Iterator[Callable[..., Reader]]:
    """Open streams, closed when the test ends."""
    opened: list[Reader] = []

    def open_stream(url: str, last_id: str | None = None) -> Reader:
        opened.append(Reader(url, {"Last-Event-ID": last_id} if last_id else None))
        return opened[-1]

    yield open_stream
    for reader in opened:
        reader.close()


def on_server(server: LiveServer, work: Callable[[Service], Awaitable[T]]) -> T:
    """Run a coroutine against the instance's own service, on its own event loop."""
    loop = server.server.servers[0].get_loop()
    service: Service = server.server.config.app.state.context.service  # type: ignore[attr-defined]
    return asyncio.run_coroutine_threadsafe(work(service), loop).result(timeout=30)


class Site:
    """A site `news` on one instance (or a pair), with readers that post and vote."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self._users = 0

    @property
    def events(self) -> str:
        return f"{self.server.url}/api/v1/sites/{SITE}/events?thread={THREAD}"

    def token(self, user: str | None = None, *, role: str | None = None) -> str:
        self._users += 1
        user = user or f"dev:reader{self._users}"

        async def work(s: Service) -> str:
            await s.sites.ensure_user(user)
            if role:
                await s.sites.grant(SITE, user, role)  # type: ignore[arg-type]
                return await s.sessions.issue(user, SITE, kind="api", role=role)  # type: ignore[arg-type]
            return await s.sessions.issue(user, SITE)

        return on_server(self.server, work)

    def policy(self, **changes: Any) -> None:
        policy = SitePolicy(rate_per_minute=0, **changes)
        on_server(self.server, lambda s: s.sites.update(SITE, policy=policy))

    def call(self, method: str, path: str, token: str, body: Any = None) -> Any:
        """A request as a reader or moderator; answers the JSON (or None), after a 2xx."""
        answer = httpx.request(
            method,
            f"{self.server.url}/api/v1{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert answer.is_success, answer.text
        return answer.json() if answer.content else None

    def post(self, body: str, token: str | None = None) -> dict[str, Any]:
        page = f"{ORIGIN}/{THREAD}"
        payload = {"thread": THREAD, "body": body, "thread_url": page}
        return dict(self.call("POST", f"/sites/{SITE}/comments", token or self.token(), payload))

    def deliver(self, event: str | None, comment_id: str | None = None, **more: Any) -> None:
        """What the dispatcher does with a write's `thread.changed` outbox row."""
        payload = {"thread": THREAD, "event": event, "comment_id": comment_id} | more
        on_server(self.server, lambda s: s.live.deliver(SITE, payload))


@pytest.fixture
def site(serve_app: Callable[..., LiveServer]) -> Site:
    """One instance without Redis (events in process, as in the demo), site `news`."""
    server = serve_app(demo=False)
    on_server(server, lambda s: s.sites.create(SITE, [ORIGIN], SitePolicy(rate_per_minute=0)))
    return Site(server)


# --------------------------------------------------------------------------- the stream


def test_a_stream_opens_with_ready_and_is_never_cached(
    site: Site, readers: Callable[..., Reader]
) -> None:
    stream = readers(site.events)
    ready = stream.wait("ready")
    assert ready.data == {"thread": THREAD} and ready.id
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"] == "no-store"
    assert stream.headers["x-accel-buffering"] == "no"


def test_unknown_sites_and_bad_threads_are_refused(site: Site) -> None:
    base = f"{site.server.url}/api/v1/sites"
    assert httpx.get(f"{base}/nowhere/events?thread=t", timeout=10).status_code == 404
    assert httpx.get(f"{base}/{SITE}/events", timeout=10).status_code == 422
    too_long = "x" * 513
    assert httpx.get(f"{base}/{SITE}/events?thread={too_long}", timeout=10).status_code == 422
    long_id = "1" * 65
    answer = httpx.get(f"{base}/{SITE}/events?thread=t&last_event_id={long_id}", timeout=10)
    assert answer.status_code == 422


def test_every_write_reaches_the_stream_as_the_shared_page_shows_it(
    site: Site, readers: Callable[..., Reader]
) -> None:
    """Post, vote, edit, delete, close: each write's outbox row becomes one event."""
    author = site.token("dev:alice")
    moderator = site.token("dev:mod", role="moderator")
    stream = readers(site.events)
    stream.wait("ready")

    posted = site.post("Hello *live* readers", author)
    created = stream.wait("comment.created")
    assert created.data["id"] == posted["id"] and created.data["html"] == posted["html"]
    assert created.data["author"]["id"] == "dev:alice"
    assert created.data["replies"] == [] and created.data["my_vote"] == 0
    assert created.data["can_edit"] is False and created.data["can_delete"] is False
    assert "body" not in created.data and "moderation" not in created.data

    site.call("PUT", f"/comments/{posted['id']}/vote", site.token(), {"value": 1})
    assert stream.wait("comment.voted").data == {"id": posted["id"], "score": 1}
    site.call("PATCH", f"/comments/{posted['id']}", author, {"body": "Hello, edited"})
    updated = stream.wait("comment.updated")
    assert updated.data["id"] == posted["id"] and "edited" in updated.data["html"]
    assert updated.data["edited_at"] is not None
    site.call("DELETE", f"/comments/{posted['id']}", author)
    assert stream.wait("comment.removed").data == {"id": posted["id"]}
    site.call("POST", f"/sites/{SITE}/threads/close", moderator, {"thread": THREAD})
    assert stream.wait("thread.updated").data == {"closed": True}

    assert stream.names() == [
        "ready",
        "comment.created",
        "comment.voted",
        "comment.updated",
        "comment.removed",
        "thread.updated",
    ]
    positions = [tuple(map(int, str(e.id).split("-"))) for e in stream.events]
    assert positions == sorted(set(positions))  # every event has an id, increasing


def test_a_delivery_says_what_is_stored_now_once_and_only_on_its_thread(
    site: Site, readers: Callable[..., Reader]
) -> None:
    """The outbox delivers at least once and sometimes late: a repeat is sent once, a
    row naming the thread by id reaches it, and nothing else reaches this thread."""
    stream = readers(site.events)
    stream.wait("ready")
    posted = site.post("Delivered twice")
    stream.wait("comment.created")
    for _ in range(2):
        site.deliver("comment.updated", posted["id"], token="row-1")
    thread = on_server(site.server, lambda s: s.deps.storage.get_thread(SITE, THREAD))
    assert thread is not None
    by_id = {"thread_id": thread.id, "event": "comment.voted", "comment_id": posted["id"]}
    on_server(site.server, lambda s: s.live.deliver(SITE, by_id))
    stream.wait("comment.voted")
    site.deliver(None, posted["id"])  # a write with nothing to push live
    site.deliver("thread.updated", thread="elsewhere")
    on_server(site.server, lambda s: s.live.deliver(SITE, {"site_wide": True, "event": None}))
    site.deliver("no.such.event", posted["id"])
    site.deliver("thread.updated")
    stream.wait("thread.updated")
    assert stream.names() == [
        "ready",
        "comment.created",
        "comment.updated",
        "comment.voted",
        "thread.updated",
    ]


# ------------------------------------------------------------------------------ resuming


def test_last_event_id_resumes_with_exactly_the_missed_events(
    site: Site, readers: Callable[..., Reader]
) -> None:
    first = readers(site.events)
    first.wait("ready")
    for n in range(2):
        site.deliver("thread.updated", token=f"seen{n}")
    first.wait("thread.updated", lambda _: len(first.events) == 3)
    seen = first.events[-1]
    first.close()
    posted = site.post("While you were away")
    site.call("PUT", f"/comments/{posted['id']}/vote", site.token(), {"value": 1})

    again = readers(site.events, last_id=seen.id)
    ready = again.wait("ready")
    assert ready.id == seen.id  # the position does not move until an event moves it
    again.wait("comment.voted")
    site.deliver("thread.updated", token="live")
    again.wait("thread.updated")
    assert again.names() == ["ready", "comment.created", "comment.voted", "thread.updated"]
    ids = [e.id for e in again.events[1:]]
    assert len(set(ids)) == 3 and seen.id not in ids

    # An EventSource polyfill that cannot set the header passes the id as a parameter.
    polyfill = readers(f"{site.events}&last_event_id={seen.id}")
    polyfill.wait("thread.updated")
    assert polyfill.names() == again.names()


def test_a_reader_who_saw_nothing_resumes_from_ready(
    site: Site, readers: Callable[..., Reader]
) -> None:
    """The `ready` id is a position too: a quiet reader who reconnects misses nothing."""
    first = readers(site.events)
    ready = first.wait("ready")
    first.close()
    site.deliver("thread.updated", token="while-away")
    again = readers(site.events, last_id=ready.id)
    again.wait("thread.updated")
    assert again.names() == ["ready", "thread.updated"]


def test_an_id_too_old_or_made_up_gets_reset(site: Site, readers: Callable[..., Reader]) -> None:
    first = readers(site.events)
    ready = first.wait("ready")
    first.close()
    for n in range(250):  # more than the 200 kept
        site.deliver("thread.updated", token=f"busy{n}")

    stale = readers(site.events, last_id=ready.id)
    reset = stale.wait("reset")
    assert reset.data == {} and reset.id
    assert stale.names() == ["ready", "reset"]
    assert stale.events[0].id is None  # keeps the old id until the reset is in
    site.deliver("thread.updated", token="after-reset")
    stale.wait("thread.updated")  # and the stream goes on live

    recovered = readers(site.events, last_id=reset.id)  # reloaded, then reconnected
    recovered.wait("thread.updated")
    assert recovered.names() == ["ready", "thread.updated"]

    for made_up in ("nonsense", "1-1", "99999999999999-5"):
        bogus = readers(site.events, last_id=made_up)
        bogus.wait("reset")
        assert bogus.names() == ["ready", "reset"]


# ------------------------------------------------------------------ what never leaks out


def test_comments_anonymous_readers_cannot_see_never_reach_the_stream(
    site: Site, readers: Callable[..., Reader]
) -> None:
    """Held, shadowed and report-hidden comments send nothing, or `comment.removed`; a
    late row that still calls one `comment.created` is told as it is stored now."""
    moderator = site.token("dev:mod", role="moderator")
    stream = readers(site.events)
    stream.wait("ready")

    site.policy(premoderation="all")
    pending = site.post("Awaiting review: secret words")
    assert pending["status"] == "pending"
    site.deliver("comment.created", pending["id"], token="stale")  # a stale row
    assert stream.wait("comment.removed").data == {"id": pending["id"]}
    site.deliver("comment.voted", pending["id"], token="pv")  # a score would tell it exists

    site.policy(premoderation="off", hide_after_reports=1)
    shadowed_author = site.token("dev:shadowed")
    ban = {"user_id": "dev:shadowed", "reason": "Spam", "shadow": True}
    site.call("POST", f"/sites/{SITE}/bans", moderator, ban)
    shadowed = site.post("Shadowed: secret words", shadowed_author)
    site.deliver("comment.created", shadowed["id"], token="s")
    stream.wait("comment.removed", lambda d: d["id"] == shadowed["id"])

    reported = site.post("Reported, once shown")
    stream.wait("comment.created", lambda d: d["id"] == reported["id"])
    site.call("POST", f"/comments/{reported['id']}/reports", site.token(), {"reason": "abuse"})
    stream.wait("comment.removed", lambda d: d["id"] == reported["id"])
    site.deliver("comment.updated", reported["id"], token="r2")  # late: still hidden
    stream.wait(
        "comment.removed", lambda _: stream.names().count("comment.removed") == 4
    )  # the pending one, the shadowed one, and the reported one twice

    approved = site.call(
        "POST", f"/moderation/comments/{pending['id']}/decision", moderator, {"action": "approve"}
    )
    assert approved is not None
    shown = stream.wait("comment.created", lambda d: d["id"] == pending["id"])
    assert "secret" in shown.data["html"]  # published now, so shown now

    site.deliver("comment.created", "01J0000000000000000000000X", token="gone")
    stream.wait("comment.removed", lambda d: d["id"] == "01J0000000000000000000000X")
    site.deliver("thread.updated", token="end")
    stream.wait("thread.updated")
    assert "comment.voted" not in stream.names()
    before_approval = stream.events[: stream.events.index(shown)]
    assert not any("secret" in json.dumps(e.data) for e in before_approval)


# ---------------------------------------------------------------------- a slow reader


def test_a_reader_that_stops_reading_is_cut_off_and_told_to_reload(
    site: Site, readers: Callable[..., Reader]
) -> None:
    """Its socket is full and its inbox overflows: the server ends its stream instead of
    queueing, and the reader, resuming from what it got, is told to reset."""
    host, port = site.server.url.removeprefix("http://").split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.settimeout(30)
    request = f"GET /api/v1/sites/{SITE}/events?thread={THREAD} HTTP/1.1\r\nHost: {host}\r\n\r\n"
    sock.sendall(request.encode())
    received = sock.recv(4096)
    assert b" 200 " in received.split(b"\r\n", 1)[0]

    big = {"padding": "x" * 8000}

    async def flood(s: Service) -> None:
        for _ in range(2000):  # 16 MB: more than any socket buffers between us
            await s.deps.event_log.append(f"{SITE}:{THREAD}", "thread.updated", big)
            await asyncio.sleep(0)  # let the stream send what the socket takes

    on_server(site.server, flood)
    chunks = [received]
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        if b"\r\n0\r\n\r\n" in chunk[-16:]:
            break  # the stream's end (chunked encoding)
    sock.close()
    text = b"".join(chunks).decode()
    got = [line for line in text.split("\r\n") if line.startswith("id: ")]
    assert 0 < len(got) < 2000
    last = got[-1].removeprefix("id: ")

    resumed = readers(site.events, last_id=last)
    resumed.wait("reset")
    assert resumed.names() == ["ready", "reset"]


# ---------------------------------------------------------------- two instances, Redis


def pair_site(pair: Pair) -> tuple[Site, Site]:
    a, b = Site(pair.a), Site(pair.b)
    a.policy(premoderation="off")
    return a, b


def test_a_comment_posted_on_one_instance_reaches_streams_on_the_other(
    instances: Pair, readers: Callable[..., Reader]
) -> None:
    a, b = pair_site(instances)
    on_b = readers(b.events)
    on_b.wait("ready")
    posted = a.post("Across instances")
    created = on_b.wait("comment.created")
    assert created.data["id"] == posted["id"] and created.data["html"] == posted["html"]

    # The ids come from Redis: a reader of B resumes on A without a gap or a repeat.
    on_b.close()
    a.call("PUT", f"/comments/{posted['id']}/vote", a.token(), {"value": 1})
    on_a = readers(a.events, last_id=created.id)
    voted = on_a.wait("comment.voted")
    assert voted.data == {"id": posted["id"], "score": 1}
    assert on_a.names() == ["ready", "comment.voted"]


def test_an_event_delivered_by_one_instance_reaches_every_instance_once(
    instances: Pair, readers: Callable[..., Reader]
) -> None:
    """Both instances' dispatchers may hold the same row at once: one event all the same."""
    a, b = pair_site(instances)
    on_a, on_b = readers(a.events), readers(b.events)
    on_a.wait("ready")
    on_b.wait("ready")
    a.deliver("thread.updated", token="shared-row")
    b.deliver("thread.updated", token="shared-row")
    a.deliver("comment.removed", "01J0000000000000000000000Y", token="marker")
    for stream in (on_a, on_b):
        stream.wait("comment.removed")
        assert stream.names() == ["ready", "thread.updated", "comment.removed"]


def test_streams_end_when_redis_goes_and_resume_or_reset_when_it_is_back(
    serve_app: Callable[..., LiveServer],
    restartable_redis: RedisServer,
    readers: Callable[..., Reader],
) -> None:
    server = serve_app(demo=False, redis_url=restartable_redis.url)
    on_server(server, lambda s: s.sites.create(SITE, [ORIGIN], SitePolicy(rate_per_minute=0)))
    site = Site(server)
    stream = readers(site.events)
    stream.wait("ready")
    site.deliver("thread.updated", token="before")
    seen = stream.wait("thread.updated")

    restartable_redis.kill()
    stream.wait_end()  # ended, so the browser reconnects (not left open and deaf)
    restartable_redis.restart()

    # Redis came back empty: the old position is unknown, so the reader reloads.
    again = readers(site.events, last_id=seen.id)
    while not again.first():  # ends at once until the instance has resubscribed
        again = readers(site.events, last_id=seen.id)
    again.wait("reset")
    site.deliver("thread.updated", token="after")
    again.wait("thread.updated")
