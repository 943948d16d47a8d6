"""Two app instances on one PostgreSQL and one Redis, and a live stream read in a thread.

The security tests of open streams hold a stream on one instance and revoke on the
other, as a load balancer would split a moderator's requests. `instances` starts the
pair once per test module (each test uses its own users); `Pair` sets up users and
tokens through the service, as the command line would, and logs in to the dashboard
through the dev provider; `Watch` reads a Server-Sent Events stream in a thread,
keeping every event with the moment it arrived and noting when the stream ends.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest

from comments.app import build_service
from comments.models import Role, SitePolicy
from comments.service import Service
from comments.settings import Settings
from tests.fixtures_services import PostgresServer
from tests.live import LiveServer, _bound_socket

T = TypeVar("T")

SITE = "news"
ORIGIN = "https://news.example"
EVENTS = f"/api/v1/sites/{SITE}/moderation/events"
PROMISE = 5.0  # seconds: a stream ends this soon after its caller loses the right to it


@dataclass
class Pair:
    """Instance `a` (where revocations happen) and `b` (where streams are held)."""

    a: LiveServer
    b: LiveServer
    settings: Settings
    _names: Iterator[int] = field(default_factory=itertools.count)

    def run(self, work: Callable[[Service], Awaitable[T]]) -> T:
        """Run a coroutine against a service of its own on the same database and Redis."""

        async def call() -> T:
            service = build_service(self.settings)
            try:
                return await work(service)
            finally:
                await service.close()

        return asyncio.run(call())

    def user(self, prefix: str) -> str:
        """A user id no other test of the module has used."""
        return f"dev:{prefix}{next(self._names)}"

    def token(
        self, user: str, *, kind: str = "reader", role: Role | None = None, grant: bool = True
    ) -> str:
        """A token for `user` on the site; an API token with `role` gets the role too."""

        async def work(s: Service) -> str:
            await s.sites.ensure_user(user)
            if role and grant:
                await s.sites.grant(SITE, user, role)
            return await s.sessions.issue(user, SITE, kind=kind, role=role)  # type: ignore[arg-type]

        return self.run(work)

    def dashboard_login(self, user: str) -> tuple[str, str]:
        """A dashboard session of `user` (a moderator of the site) made on `a`: cookie, CSRF."""
        self.token(user, kind="api", role="moderator")
        with httpx.Client(base_url=self.a.url, timeout=10) as client:
            start = client.get("/moderate/login/dev", follow_redirects=False)
            assert start.status_code == 303, start.text
            query = parse_qs(urlsplit(start.headers["location"]).query)
            params = {k: v[0] for k, v in query.items()} | {"name": user.split(":", 1)[1]}
            granted = client.post("/auth/dev/authorize", data=params, follow_redirects=False)
            assert granted.status_code == 303, granted.text
            back = urlsplit(granted.headers["location"])
            done = client.get(f"{back.path}?{back.query}", follow_redirects=False)
            assert done.status_code == 303, done.text
            cookie = client.cookies["comments_session"]
            session = client.get("/moderate/session")
            assert session.status_code == 200, session.text
            assert session.json()["user"]["id"] == user
            return cookie, str(session.json()["csrf_token"])

    def hold(self, body: str) -> str:
        """A new comment by a new reader, held for moderation (posted on `a`); its id."""
        reader = self.token(self.user("reader"))
        posted = httpx.post(
            f"{self.a.url}/api/v1/sites/{SITE}/comments",
            json={"thread": "live", "body": body, "thread_url": f"{ORIGIN}/live"},
            headers=bearer(reader),
            timeout=10,
        )
        assert posted.status_code == 201, posted.text
        assert posted.json()["status"] == "pending"
        return str(posted.json()["id"])


def bearer(token: str) -> dict[str, str]:
    """Headers carrying a bearer token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def instances(pg_server: PostgresServer, pg_template: str, redis_url: str) -> Iterator[Pair]:
    """Two instances of the app on one fresh PostgreSQL database and one Redis."""
    name = pg_server.create_database(template=pg_template)
    redis = redis_url.rsplit("/", 1)[0] + "/7"  # a database of its own; pub/sub is shared
    servers: list[LiveServer] = []
    try:
        for _ in range(2):
            sock = _bound_socket()
            settings = Settings(
                database_url=pg_server.url(name),
                redis_url=redis,
                public_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
                secret_key="r" * 32,
                dev_login=True,
            )
            server = LiveServer(settings, sock, demo=False)
            server.start()
            servers.append(server)
        pair = Pair(servers[0], servers[1], servers[0].settings)

        async def site(s: Service) -> None:
            await s.sites.create(SITE, [ORIGIN])
            await s.sites.update(SITE, policy=SitePolicy(premoderation="all", rate_per_minute=0))

        pair.run(site)
        yield pair
    finally:
        for server in servers:
            server.stop()
        pg_server.drop_database(name)


class Watch:
    """A Server-Sent Events stream read in a thread: its events as they come, and its end."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.status: int | None = None
        self.events: list[tuple[float, str, dict[str, Any]]] = []
        self.ended_at: float | None = None
        self._changed = threading.Condition()
        self._response: httpx.Response | None = None
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()

    def _read(self, url: str, headers: dict[str, str]) -> None:
        timeout = httpx.Timeout(10, read=60)
        try:
            with httpx.Client(timeout=timeout) as client:
                with client.stream("GET", url, headers=headers) as response:
                    self._note(status=response.status_code, response=response)
                    event = ""
                    for line in response.iter_lines():
                        if line.startswith("event:"):
                            event = line.split(":", 1)[1].strip()
                        elif line.startswith("data:") and event:
                            data = json.loads(line.split(":", 1)[1])
                            self._note(event=(time.monotonic(), event, data))
                            event = ""
        except (httpx.HTTPError, httpx.StreamError):
            pass  # closed under us (a failing test's end) or cut off: either way, the end
        finally:
            self._note(ended=True)

    def _note(
        self,
        *,
        status: int | None = None,
        response: httpx.Response | None = None,
        event: tuple[float, str, dict[str, Any]] | None = None,
        ended: bool = False,
    ) -> None:
        with self._changed:
            if status is not None:
                self.status, self._response = status, response
            if event is not None:
                self.events.append(event)
            if ended:
                self.ended_at = time.monotonic()
            self._changed.notify_all()

    def wait_for(self, name: str, where: Callable[[dict[str, Any]], bool] = lambda _: True) -> Any:
        """The data of the first event called `name` that matches; fails after 10 s."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: self._first(name, where) is not None or self.ended_at is not None, 10
            )
            data = self._first(name, where)
        assert found and data is not None, f"no {name} event; got {self.names()}"
        return data

    def _first(self, name: str, where: Callable[[dict[str, Any]], bool]) -> Any:
        return next((d for _, n, d in self.events if n == name and where(d)), None)

    def ready(self) -> Watch:
        """Wait until the stream is open (its `ready` event), then answer self."""
        self.wait_for("ready")
        assert self.status == 200
        return self

    def ends_within(self, seconds: float, since: float) -> bool:
        """Whether the stream ends by `since + seconds` (a `time.monotonic()` moment)."""
        with self._changed:
            remaining = since + seconds - time.monotonic()
            return self._changed.wait_for(lambda: self.ended_at is not None, max(0, remaining))

    def names(self, after: float = 0.0) -> list[str]:
        """The names of the events that arrived after a moment."""
        with self._changed:
            return [name for at, name, _ in self.events if at > after]

    def carried(self, comment_id: str) -> bool:
        """Whether any event so far mentions a comment."""
        with self._changed:
            return any(comment_id in json.dumps(data) for _, _, data in self.events)

    def close(self) -> None:
        """Stop reading (a stream that never ended, in a failing test)."""
        with self._changed:
            response = self._response
        if response is not None and self.ended_at is None:
            response.close()
        self._thread.join(timeout=5)


@pytest.fixture
def watch() -> Iterator[Callable[[str, dict[str, str]], Watch]]:
    """Open streams (read in threads) that are closed when the test ends."""
    opened: list[Watch] = []

    def open_stream(url: str, headers: dict[str, str]) -> Watch:
        opened.append(Watch(url, headers))
        return opened[-1]

    yield open_stream
    for stream in opened:
        stream.close()


def live_queue(pair: Pair, stream: Watch, body: str) -> str:
    """Prove the stream delivers: a held comment's item and the counts after it arrive."""
    comment_id = pair.hold(body)
    stream.wait_for("queue.added", lambda d: d["item"]["comment"]["id"] == comment_id)
    stream.wait_for("counts", lambda d: d.get("counts", {}).get("pending", 0) >= 1)
    return comment_id
