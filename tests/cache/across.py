"""Two live instances on one PostgreSQL and one Redis, and the reads that prove the cache rules.

Each write-path test lets instance B serve (and so cache) a thread's page, anonymously and
to logged-in readers, makes the write on instance A, and then holds the readers to the
rules of the page cache:
- an anonymous reader on A, the instance that took the write, sees it at once;
- an anonymous reader on B sees it within `STALENESS` (polled every `POLL`);
- the writer (and any logged-in reader) sees it on their very next read on B.
B's anonymous readers go first: a logged-in read makes B ask Redis for the thread's
version, which would refresh B for everyone and hide a lost announcement. That a
logged-in read needs no announcement at all is shown with B deaf to them
(`test_deaf.py`).

`across` reports every reader who was still served the old page, and says so when even a
page nobody had cached does not show the write: then the write itself did not change the
page, and the fault is not a stale copy. Each test uses a thread and users of its own, on
a module-wide pair of instances (`two`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import httpx2 as httpx
import pytest

from comments.app import build_service
from comments.models import Role, SitePolicy
from comments.service import Service
from comments.settings import Settings
from tests.live import LiveServer, _bound_socket
from tests.security.streaming import ORIGIN, SITE, Pair

PREMODERATED = SITE  # the pair's own site: every comment is held for review
OPEN = "open"  # comments are published at once; two reports hide one
TUNED = "tuned"  # a site whose settings a test changes (a site-wide change)
OPEN_POLICY = SitePolicy(
    premoderation="off",
    rate_per_minute=0,
    rate_per_hour=0,
    ip_rate_per_hour=0,
    surge_per_minute=0,
    hide_after_reports=2,
    report_threshold=1,
)
STALENESS = 1.0  # seconds: the promised bound for anonymous readers on another instance
POLL = 0.02  # seconds between an anonymous reader's polls
UNCACHED_LIMIT = 97  # a page size no test reads otherwise: its page was never cached

T = TypeVar("T")
Page = dict[str, Any]
Seen = Callable[[Page], bool]


class Read(NamedTuple):
    """One read of a thread: status, parsed JSON, headers."""

    status: int
    json: Any
    headers: httpx.Headers


Reader = Callable[..., Read]


def bearer(token: str | None) -> dict[str, str]:
    """Headers carrying a bearer token (none for an anonymous read)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def fetch(
    instance: LiveServer,
    path: str,
    token: str | None = None,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """A GET on one instance (bytes decoded as a browser would)."""
    return httpx.get(
        f"{instance.url}{path}",
        params=params,
        headers=bearer(token) | (headers or {}),
        timeout=10,
    )


def read(
    instance: LiveServer, thread: str, token: str | None = None, *, site: str = OPEN, **params: Any
) -> Read:
    """The thread's page on one instance, anonymously or as the token's reader."""
    response = fetch(
        instance, f"/api/v1/sites/{site}/comments", token, params={"thread": thread} | params
    )
    body = response.json() if response.content else None
    return Read(response.status_code, body, response.headers)


def counts(instance: LiveServer, *threads: str, site: str = OPEN) -> dict[str, int]:
    """Published comment counts of threads, read on one instance."""
    response = fetch(instance, f"/api/v1/sites/{site}/counts", params={"thread": list(threads)})
    assert response.status_code == 200, response.text
    found: dict[str, int] = response.json()["counts"]
    return found


def walk(comments: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every comment of a page's tree, replies included."""
    for comment in comments:
        yield comment
        yield from walk(comment.get("replies", []))


def ids(page: Page) -> list[str]:
    """The ids of every comment shown in the shared part of a page."""
    return [comment["id"] for comment in walk(page["comments"])]


def find(page: Page, comment_id: str) -> dict[str, Any] | None:
    """One comment of the shared part, wherever it nests."""
    return next((c for c in walk(page["comments"]) if c["id"] == comment_id), None)


def own(page: Page) -> dict[str, dict[str, Any]]:
    """The reader's own pending and rejected comments (the viewer block), by id."""
    return {c["id"]: c for c in (page.get("viewer") or {}).get("own", [])}


def within(seconds: float, check: Callable[[], bool]) -> bool:
    """Whether `check` holds at once or on one of its polls for `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL)


@dataclass(frozen=True)
class Looker:
    """A logged-in reader on B whose very next read after the write must show it."""

    label: str
    token: str
    seen: Seen


class Seeder:
    """One service on the same database and Redis, on an event loop of its own, that sets
    up users and tokens as the command line would (one service for many, not one each)."""

    def __init__(self, settings: Settings) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

        async def build() -> Service:
            return build_service(settings)

        self._service = self._call(build())

    def _call(self, work: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await work

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(timeout=30)

    def run(self, work: Callable[[Service], Awaitable[T]]) -> T:
        """Run a coroutine against the service."""
        return self._call(work(self._service))

    def close(self) -> None:
        """Close the service and stop its loop."""
        try:
            self._call(self._service.close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()


@dataclass
class Two:
    """Instance `a` (takes the writes) and `b` (served the page before them)."""

    pair: Pair
    seeder: Seeder
    _bodies: Iterator[int] = field(default_factory=itertools.count)

    @property
    def a(self) -> LiveServer:
        return self.pair.a

    @property
    def b(self) -> LiveServer:
        return self.pair.b

    @staticmethod
    def thread(name: str) -> str:
        """A thread key no other test (nor an earlier run on the same Redis) has used."""
        return f"{name}-{secrets.token_hex(6)}"

    def body(self, text: str = "A comment") -> str:
        """A comment text no other comment has (the duplicate check holds repeats). Digits
        only: a random hex word now and then reads as a disguised swear word (`e6a1a`), and
        the pipeline rightly holds it."""
        return f"{text} (number {next(self._bodies)}, {secrets.randbelow(10**9)})."

    def token(
        self, user: str, site: str = OPEN, *, role: Role | None = None, kind: str = "reader"
    ) -> str:
        """A token of `user` on the site; staff get an API token carrying the role."""

        async def work(s: Service) -> str:
            await s.sites.ensure_user(user)
            if role:
                await s.sites.grant(site, user, role)
            return await s.sessions.issue(user, site, kind=kind, role=role)  # type: ignore[arg-type]

        return self.seeder.run(work)

    def reader(self, site: str = OPEN, prefix: str = "reader") -> tuple[str, str]:
        """A new reader of the site: user id and token."""
        user = self.pair.user(prefix)
        return user, self.token(user, site)

    def staff(self, site: str = OPEN, role: Role = "moderator") -> str:
        """A new moderator (or admin) of the site: an API token."""
        return self.token(self.pair.user(role), site, role=role, kind="api")

    def call(
        self,
        method: str,
        path: str,
        token: str | None,
        body: dict[str, Any] | None = None,
        *,
        on: LiveServer | None = None,
        expect: int = 200,
    ) -> httpx.Response:
        """A request on `a` (or `on`), asserting its status."""
        response = httpx.request(
            method,
            f"{(on or self.a).url}{path}",
            json=body,
            headers=bearer(token),
            timeout=10,
        )
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response

    def post(
        self,
        token: str,
        thread: str,
        text: str | None = None,
        *,
        site: str = OPEN,
        parent: str | None = None,
        on: LiveServer | None = None,
    ) -> dict[str, Any]:
        """A new comment (or reply) posted on `a`; its JSON."""
        body: dict[str, Any] = {
            "thread": thread,
            "body": text or self.body(),
            "thread_url": f"{ORIGIN}/{thread}",
        }
        if parent is not None:
            body["parent_id"] = parent
        posted = self.call("POST", f"/api/v1/sites/{site}/comments", token, body, on=on, expect=201)
        answer: dict[str, Any] = posted.json()
        return answer

    def decide(self, moderator: str, comment_id: str, action: str, **body: Any) -> None:
        """A moderator's decision, taken on `a`."""
        path = f"/api/v1/moderation/comments/{comment_id}/decision"
        self.call("POST", path, moderator, {"action": action} | body)


def across(
    two: Two,
    thread: str,
    write: Callable[[], object],
    seen: Seen,
    *,
    site: str = OPEN,
    logged: Sequence[Looker] = (),
    reader: Reader = read,
) -> None:
    """B serves the page (anonymously and to `logged`), A takes `write`; every reader then
    sees it by the rules (see the module's docstring), or the test fails naming the stale."""
    before: list[tuple[str, LiveServer, str | None, Seen]] = [
        ("anonymous on B", two.b, None, seen),
        ("anonymous on A", two.a, None, seen),
    ]
    before += [(looker.label + " on B", two.b, looker.token, looker.seen) for looker in logged]
    for label, instance, token, check in before:
        page = reader(instance, thread, token, site=site)
        assert page.status == 200, f"{label} before the write: {page.json}"
        if check(page.json):
            pytest.fail(f"test set-up: {label} already shows the write before it happens")

    write()

    # Anonymous readers of B first: a logged-in read there asks Redis for the versions and
    # so refreshes B for everyone, which would hide a lost announcement.
    stale: list[str] = []
    on_a = reader(two.a, thread, site=site)
    if not (on_a.status == 200 and seen(on_a.json)):
        stale.append("an anonymous read on A (which took the write)")
    if not within(STALENESS, lambda: seen(reader(two.b, thread, site=site).json)):
        stale.append(f"anonymous reads on B for {STALENESS:.0f} s")
    for looker in logged:
        page = reader(two.b, thread, looker.token, site=site)
        assert page.status == 200, f"{looker.label} on B: {page.json}"
        if not looker.seen(page.json):
            stale.append(f"{looker.label}'s next read on B")
    if not stale:
        return
    # A page variant nobody has read (another page size) is computed from the database now:
    # it tells a stale copy from a write that did not change the page at all.
    truth = reader(two.a, thread, site=site, limit=UNCACHED_LIMIT)
    if not (truth.status == 200 and seen(truth.json)):
        pytest.fail(
            "the write does not show even in a page nobody had cached (so the write itself "
            f"did not change the page; not a stale cache): {truth.json}"
        )
    pytest.fail(f"stale after the write (a page computed now shows it): {'; '.join(stale)}")


@contextlib.contextmanager
def started_pair(database_url: str, redis_url: str) -> Iterator[Pair]:
    """Two instances on one database and one Redis, stopped when done (the same setup as the
    module-wide pair, for a test that needs a Redis of its own)."""
    servers: list[LiveServer] = []
    try:
        for _ in range(2):
            sock = _bound_socket()
            settings = Settings(
                database_url=database_url,
                redis_url=redis_url,
                public_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
                secret_key="r" * 32,
                dev_login=True,
            )
            server = LiveServer(settings, sock, demo=False)
            server.start()
            servers.append(server)
        yield Pair(servers[0], servers[1], servers[0].settings)
    finally:
        for server in servers:
            server.stop()


def open_sites(pair: Pair) -> None:
    """The sites the tests write on besides the pair's premoderated one."""

    async def work(s: Service) -> None:
        for name in (OPEN, TUNED):
            await s.sites.create(name, [ORIGIN], OPEN_POLICY)

    pair.run(work)


def service_of(instance: LiveServer) -> Service:
    """The service inside a running instance (for counters only the process knows)."""
    app: Any = instance.server.config.app
    service: Service = app.state.context.service
    return service


@contextlib.contextmanager
def deaf(instance: LiveServer) -> Iterator[None]:
    """The instance hears no other instance's announcements (as if they were late), while
    its subscription looks healthy: only asking Redis can tell it of a write elsewhere."""
    pages = service_of(instance).deps.pages
    if not hasattr(pages, "_heard"):
        pytest.fail("the page cache has no `_heard` handler of announcements to silence")
    heard = pages._heard
    pages._heard = lambda message: None
    try:
        yield
    finally:
        pages._heard = heard


def logged_in_fresh(
    two: Two,
    thread: str,
    write: Callable[[], object],
    logged: Sequence[Looker],
    *,
    site: str = OPEN,
) -> None:
    """B serves the page to `logged` (and anonymously), A takes `write`: each logged-in
    reader's very next read on B shows it, however late B hears of it."""
    assert read(two.b, thread, site=site).status == 200
    for looker in logged:
        if looker.seen(read(two.b, thread, looker.token, site=site).json):
            pytest.fail(f"test set-up: {looker.label} already sees the write before it happens")
    write()
    stale = [
        f"{looker.label}'s next read on B"
        for looker in logged
        if not looker.seen(read(two.b, thread, looker.token, site=site).json)
    ]
    assert not stale, f"stale after the write: {'; '.join(stale)}"


@contextlib.contextmanager
def two_of(pair: Pair) -> Iterator[Two]:
    """The pair with the sites the tests write on, and a service to seed users with."""
    open_sites(pair)
    seeder = Seeder(pair.settings)
    try:
        yield Two(pair, seeder)
    finally:
        seeder.close()
