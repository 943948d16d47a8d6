"""What every use case shares: the engines, the clock, the ids and the service's config."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from comments.cache import Cache
from comments.classifier import Classifier
from comments.ids import Clock, IdFactory, utc_now
from comments.login import Provider
from comments.pages import MemoryPages, PageCache
from comments.realtime import Broker, EventLog, MemoryBroker, MemoryEventLog
from comments.render import Renderer
from comments.service.telemetry import Telemetry
from comments.service.wordlists import WordLists
from comments.storage import Storage


@dataclass(frozen=True)
class ServiceConfig:
    """The parts of the settings the use cases need, already validated."""

    public_url: str
    origin: str = ""
    admins: frozenset[str] = frozenset()
    session_days: int = 30
    api_token_days: int = 365
    # Signs the links in e-mails (unsubscribe, confirm an address): the secret key.
    signing_key: bytes = b""


@dataclass
class Deps:
    """The engines and helpers built once by the app factory."""

    storage: Storage
    cache: Cache
    config: ServiceConfig
    broker: Broker = field(default_factory=MemoryBroker)
    # The readers' live events per thread, kept for resuming (comments/service/live.py).
    event_log: EventLog = field(default_factory=MemoryEventLog)
    pages: PageCache = field(default_factory=lambda: MemoryPages(64 << 20))
    classifier: Classifier = field(default_factory=Classifier)
    words: WordLists = field(default_factory=WordLists)
    renderer: Renderer = field(default_factory=Renderer)
    clock: Clock = utc_now
    ids: IdFactory = field(default_factory=IdFactory)
    providers: dict[str, Provider] = field(default_factory=dict)
    # Set after a write commits outbox rows, so the dispatcher delivers them at once.
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    # Requests, verdicts and webhook outcomes, for `GET /metrics` (its own per service).
    telemetry: Telemetry = field(default_factory=Telemetry)
