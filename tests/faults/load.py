"""A bounded write load: readers posting comments through faults, as careful clients do.

Each reader posts one comment after another, each with a fresh `Idempotency-Key`,
and retries that key (rotating over the instances) on 503, a dropped connection or
a timeout until it gets its 201. Everything it saw is recorded: every attempt with
the phase of the test it started in, every acknowledged comment, every key given up.
Every loop is bounded in requests and in time and ends by itself; traffic goes to
the loopback instances given, nowhere else.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx

from comments.app import build_service
from comments.models import SitePolicy
from comments.settings import Settings

ORIGIN = "https://news.example"
SITE = "news"
THREAD = "t1"
THREAD_URL = f"{ORIGIN}/a/{THREAD}"
NO_LIMITS: dict[str, Any] = {
    "rate_per_minute": 0,
    "rate_per_hour": 0,
    "ip_rate_per_hour": 0,
    "surge_per_minute": 0,
}


def load_policy(**changes: Any) -> SitePolicy:
    """A site policy with every rate limit off (load tests post fast), plus `changes`."""
    return SitePolicy(**(NO_LIMITS | changes))


@dataclass(frozen=True)
class Reader:
    """One reader of the load: a bearer token, and a word each of its bodies carries."""

    token: str
    word: str = ""


@dataclass(frozen=True)
class Setup:
    """What `prepare` made: readers' tokens and a moderator's API token."""

    readers: list[Reader]
    moderator: str


async def prepare(
    database_url: str,
    redis_url: str,
    policy: SitePolicy,
    *,
    readers: int = 8,
    word_every: int = 0,
    word: str = "",
) -> Setup:
    """Create the site `news` and its readers through the service, as a publisher would.

    With `word_every` = n, every n-th reader's bodies carry `word` (a suspect word
    makes them held for review).
    """
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        public_url="http://127.0.0.1:1",
        secret_key="setup-secret-key-of-32-characters-at-least",
    )
    service = build_service(settings)
    try:
        await service.sites.create(SITE, [ORIGIN], policy=policy)
        made = []
        for index in range(readers):
            user = f"dev:reader{index}"
            await service.sites.ensure_user(user, f"Reader {index}")
            token = await service.sessions.issue(user, SITE)
            marked = word_every and index % word_every == word_every - 1
            made.append(Reader(token, word if marked else ""))
        await service.sites.ensure_user("dev:mod", "Moderator")
        await service.sites.grant(SITE, "dev:mod", "moderator")
        moderator = await service.sessions.issue("dev:mod", SITE, kind="api", role="moderator")
    finally:
        await service.close()
    return Setup(made, moderator)


@dataclass(frozen=True)
class Attempt:
    """One request of the load and what came back."""

    phase: str
    reader: int
    key: str
    url: str
    status: int | None  # None: no answer (connection refused or dropped, timeout)
    detail: str  # the transport error, or the start of a non-201 answer
    code: str | None  # the JSON error code, when there was one
    retry_after: str | None
    ended: str = ""  # the phase it ended in

    @property
    def within_one_phase(self) -> bool:
        """Whether it started and ended in the same phase (no fault began meanwhile)."""
        return self.ended == self.phase


@dataclass(frozen=True)
class Ack:
    """A comment the service acknowledged with 201."""

    key: str
    body: str
    comment_id: str
    status: str
    reader: int
    phase: str
    tries: int


@dataclass
class Load:
    """Readers posting in the background until told to stop, or out of budget or time."""

    urls: Sequence[str]
    readers: Sequence[Reader]
    label: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    max_requests: int = 600
    max_seconds: float = 30.0
    per_reader: int = 60
    think: float = 0.03
    retry_pause: float = 0.1
    timeout: float = 4.0
    explain: Callable[[str], str] = str  # adds logs to failure messages
    phase: str = "before"
    attempts: list[Attempt] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    abandoned: dict[str, str] = field(default_factory=dict)  # key -> body, never acknowledged

    def __post_init__(self) -> None:
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight = 0
        self._turns: Counter[int] = Counter()
        self._deadline = 0.0
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Load:
        self._deadline = time.monotonic() + self.max_seconds
        self._client = httpx.AsyncClient(timeout=self.timeout)
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None:  # the test failed already: don't wait for the readers
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks.clear()
        await self.finish()

    def start(self) -> None:
        """Set the readers going."""
        for index, reader in enumerate(self.readers):
            self._tasks.append(asyncio.create_task(self._run(index, reader)))

    async def warm_up(self) -> Ack:
        """One comment before the load, so the thread exists when the readers race."""
        ack = await self._post_until_acked(0, self.readers[0], f"{self.label}-warm-up", tries=20)
        assert ack is not None, self.explain(f"the warm-up post failed\n{self.summary()}")
        return ack

    def set_phase(self, phase: str) -> None:
        """Label the attempts that start from now on."""
        self.phase = phase

    async def finish(self) -> None:
        """Stop new comments; each reader ends its current key (acknowledged or out of time)."""
        self._stopping.set()
        if self._tasks:
            await asyncio.gather(*self._tasks)
            self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def until(self, condition: Callable[[], bool], what: str, within: float = 10.0) -> None:
        """Wait until `condition()` holds (the load keeps running meanwhile)."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(
                    self.explain(f"waited {within:.0f} s for {what}\n{self.summary()}")
                )
            if self._tasks and all(task.done() for task in self._tasks):
                raise AssertionError(
                    self.explain(f"the load ended before {what}\n{self.summary()}")
                )
            await asyncio.sleep(0.02)

    def acked_in(self, phase: str) -> int:
        """How many comments were acknowledged by attempts started in `phase`."""
        return sum(1 for ack in self.acks if ack.phase == phase)

    def answered_in(self, phase: str) -> int:
        """How many attempts started in `phase` have had an answer or an error."""
        return sum(1 for attempt in self.attempts if attempt.phase == phase)

    def in_phase(self, phase: str) -> list[Attempt]:
        """The attempts started in `phase`."""
        return [attempt for attempt in self.attempts if attempt.phase == phase]

    def summary(self) -> str:
        """Per phase, what the readers saw; for failure messages."""
        lines = [
            f"load {self.label}: {len(self.attempts)} requests, {len(self.acks)} acknowledged, "
            f"{len(self.abandoned)} keys given up"
        ]
        phases = dict.fromkeys(attempt.phase for attempt in self.attempts)
        for phase in phases:
            seen = Counter(
                str(a.status) if a.status is not None else f"no answer ({a.detail})"
                for a in self.attempts
                if a.phase == phase
            )
            lines.append(f"  {phase}: " + ", ".join(f"{k} x{n}" for k, n in seen.most_common()))
        examples: dict[tuple[str, int | None], Attempt] = {}
        for attempt in self.attempts:
            if attempt.status != 201 or attempt.detail:
                examples.setdefault((attempt.phase, attempt.status), attempt)
        lines += [
            f"  e.g. {a.status} from {a.url} in {a.phase}: {a.detail[:200]}"
            for a in list(examples.values())[:6]
        ]
        return "\n".join(lines)

    # ------------------------------------------------------------------ readers

    def _out_of_budget(self) -> bool:
        return (
            time.monotonic() > self._deadline
            or len(self.attempts) + self._in_flight >= self.max_requests
        )

    async def _run(self, index: int, reader: Reader) -> None:
        for number in range(self.per_reader):
            if self._stopping.is_set() or self._out_of_budget():
                return
            await self._post_until_acked(index, reader, f"{self.label}-r{index}-c{number}")
            await asyncio.sleep(self.think)

    async def _post_until_acked(
        self, index: int, reader: Reader, name: str, tries: int = 0
    ) -> Ack | None:
        key = uuid.uuid4().hex
        body = f"Fault load comment {name}{' ' + reader.word if reader.word else ''}."
        self.abandoned[key] = body
        for attempt_number in range(1, (tries or self.max_requests) + 1):
            if self._out_of_budget():
                return None
            url = self.urls[(index + self._turns[index]) % len(self.urls)]
            self._turns[index] += 1  # round-robin; a retry goes to the next instance
            attempt, answer = await self._once(index, reader, key, body, url)
            attempt = dataclasses.replace(attempt, ended=self.phase)
            self.attempts.append(attempt)
            if attempt.status == 201 and answer is not None:
                ack = Ack(
                    key, body, str(answer["id"]), str(answer["status"]), index, attempt.phase,
                    attempt_number,
                )  # fmt: skip
                self.acks.append(ack)
                del self.abandoned[key]
                return ack
            if attempt.status not in (None, 503):
                return None  # a careful client gives up on anything but "try again"
            await asyncio.sleep(self.retry_pause)
        return None

    async def _once(
        self, index: int, reader: Reader, key: str, body: str, url: str
    ) -> tuple[Attempt, dict[str, Any] | None]:
        assert self._client is not None, "use the load inside `async with`"
        phase = self.phase
        self._in_flight += 1
        try:
            response = await self._client.post(
                f"{url}/api/v1/sites/{SITE}/comments",
                json={"thread": THREAD, "body": body, "thread_url": THREAD_URL},
                headers={"Authorization": f"Bearer {reader.token}", "Idempotency-Key": key},
            )
        except httpx.TransportError as exc:
            return Attempt(phase, index, key, url, None, type(exc).__name__, None, None), None
        finally:
            self._in_flight -= 1
        try:
            data = response.json()
        except ValueError:
            data = None
        retry_after = response.headers.get("retry-after")
        if response.status_code == 201 and isinstance(data, dict) and "id" in data:
            return Attempt(phase, index, key, url, 201, "", None, retry_after), data
        code = None
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            code = data["error"].get("code")
        detail = response.text[:300] if response.status_code != 201 else "201 without an id"
        return Attempt(
            phase, index, key, url, response.status_code, detail, code, retry_after
        ), None
