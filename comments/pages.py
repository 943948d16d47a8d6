"""Public thread pages and counts, cached as bytes: a bounded copy in each process, one
shared copy in Redis, and the versions that say which copies are still true.

Every write that changes what readers see sets a new version token for its thread (or its
site, for site-wide changes) in Redis and publishes it; every instance listens and keeps
the versions it has heard, so an anonymous read of a hot thread needs no Redis round trip
at all: the version is known locally and the page is in the local copy. Reads that must
see their writer's own write (`fresh=True`) ask Redis for the versions first (one small
script call). A cached page's key carries the versions it was computed under, so a bump
makes every old copy unreachable at once, on every instance, without deleting anything.

Trust rules:
- versions heard over pub/sub are trusted only while the subscription is up; while it is
  down every read asks Redis (and nothing is remembered);
- the epoch (a random token in Redis) is part of every version; a Redis that restarted
  empty gets a new one, and an instance that reconnects after losing Redis sets a new one,
  so no page cached before an outage is served after it, wherever it was cached;
- version tokens are never reused (a bump's token is the id of the write's outbox row, and a
  version found missing, expired or evicted gets a new random one), so no old copy can
  match again; the Lua script bumps once per token, so the outbox's redelivery after a
  successful bump changes nothing.
- the epoch key has no expiry (Redis's `volatile-lru` never evicts it); everything else
  the cache writes expires.

Without Redis (the demo) `MemoryPages` keeps the same rules for its one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import logging
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from comments.redis_options import UNAVAILABLE, redis_client

log = logging.getLogger(__name__)

PAGE_TTL = 3600  # seconds a shared copy lives in Redis without being read
VERSION_TTL = 2 * 86400  # longer than any copy they guard
DONE_TTL = 6 * 3600  # a bump token is remembered this long (longer than the outbox retries)
CHANNEL = "comments:pages"
SEP = "\x1f"
MISSING = "0"
# What a lost or refused listener connection raises.
LOST: tuple[type[Exception], ...] = (*UNAVAILABLE, OSError)


def thread_hash(thread: str) -> str:
    """A fixed-length name for a thread key (up to 512 characters, any text)."""
    return hashlib.blake2b(thread.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """One cached answer: its bytes, the same gzip-compressed, its ETag and a sidecar
    (`meta`, small JSON the service keeps beside the page, e.g. the ids on it)."""

    etag: str
    plain: bytes
    gz: bytes
    meta: bytes = b""
    until: float = 0.0  # a wall-clock time it turns false by itself (an auto-close), or 0
    cdn: int = 0  # seconds a shared cache may keep it (the site's setting when computed)

    @classmethod
    def of(cls, plain: bytes, meta: bytes = b"", until: float = 0.0, *, cdn: int = 0) -> Entry:
        """Compress once; the ETag is a hash of the bytes (strong: byte-identical)."""
        digest = hashlib.blake2b(plain, digest_size=12).hexdigest()
        return cls(f'"{digest}"', plain, gzip.compress(plain, 6, mtime=0), meta, until, cdn)

    @property
    def size(self) -> int:
        """Bytes held, roughly."""
        return len(self.plain) + len(self.gz) + len(self.meta) + 200


class LocalCopies:
    """An LRU of entries bounded by their bytes, not their number."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, Entry] = OrderedDict()

    def get(self, key: str) -> Entry | None:
        """The entry, now the most recently used; None when absent."""
        entry = self._items.get(key)
        if entry is not None:
            self._items.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        """Keep `entry`, evicting the least recently used beyond the cap."""
        if entry.size > self.max_bytes // 4:
            return  # one huge page must not empty the cache
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._items[key] = entry
        self.bytes += entry.size
        while self.bytes > self.max_bytes and self._items:
            _, evicted = self._items.popitem(last=False)
            self.bytes -= evicted.size

    def drop(self, prefix: str = "") -> int:
        """Forget every entry whose key starts with `prefix` (all of them by default)."""
        if not prefix:
            count = len(self._items)
            self._items.clear()
            self.bytes = 0
            return count
        keys = [key for key in self._items if key.startswith(prefix)]
        for key in keys:
            self.bytes -= self._items.pop(key).size
        return len(keys)

    def __len__(self) -> int:
        return len(self._items)


class Versions:
    """The versions this process has heard: the epoch, per site, per thread (bounded)."""

    def __init__(self, max_items: int = 200_000) -> None:
        self.epoch: str | None = None
        self._items: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._max = max_items
        self.heard = 0  # messages heard, to order a Redis answer against them

    def get(self, name: str) -> str | None:
        """A version token, or None when this process has not heard it."""
        item = self._items.get(name)
        return None if item is None else item[0]

    def hear(self, name: str, token: str) -> None:
        """A bump announced (or made here): authoritative, newer than anything read before."""
        self.heard += 1
        self._set(name, token, self.heard)

    def learn(self, name: str, token: str, asked_at: int) -> None:
        """A token read from Redis when `heard` was `asked_at`: kept unless a bump for
        the same name was heard since (then the heard one is newer)."""
        item = self._items.get(name)
        if item is not None and item[1] > asked_at:
            return
        self._set(name, token, 0 if item is None else item[1])

    def _set(self, name: str, token: str, seq: int) -> None:
        self._items[name] = (token, seq)
        self._items.move_to_end(name)
        if len(self._items) > self._max:
            self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (the subscription dropped, or an epoch changed)."""
        self.epoch = None
        self._items.clear()


def site_name(site: str) -> str:
    """The version name of a site."""
    return f"s{SEP}{site}"


def thread_name(site: str, thread: str) -> str:
    """The version name of a thread."""
    return f"t{SEP}{site}{SEP}{thread_hash(thread)}"


def entry_prefix(site: str | None = None, thread: str | None = None) -> str:
    """The start of every cached entry's key for a site (and thread)."""
    if site is None:
        return "pc:"
    if thread is None:
        return f"pc:{site}:"
    return f"pc:{site}:{thread_hash(thread)}:"


def entry_key(site: str, thread: str | None, stamp: str, variant: str) -> str:
    """Where an answer computed under `stamp` lives; `thread` None for multi-thread answers."""
    where = thread_hash(thread) if thread is not None else "*"
    return f"pc:{site}:{where}:{stamp}:{variant}"


def combine(epoch: str, tokens: Sequence[str]) -> str:
    """One short stamp from the epoch and the version tokens."""
    raw = SEP.join((epoch, *tokens)).encode()
    return hashlib.blake2b(raw, digest_size=10).hexdigest()


class PageCache(Protocol):
    """Versions and cached entries; see the module's docstring for the rules."""

    local: LocalCopies

    @property
    def trusted(self) -> bool:
        """Whether versions heard locally may be used without asking Redis."""

    def known_stamp(self, site: str, threads: Sequence[str]) -> str | None:
        """The stamp from versions heard here, without any I/O; None if one is unknown."""

    async def stamp(self, site: str, threads: Sequence[str], *, fresh: bool) -> str:
        """The current stamp; `fresh` always asks the shared store. Raises `UNAVAILABLE`."""

    async def stamp_and(
        self, site: str, thread: str, others: Sequence[str]
    ) -> tuple[str, list[str | None]] | None:
        """The fresh stamp of a thread and, read in the same call, the values of other
        keys of the shared cache (`comments.cache` keys); None where that cannot be done
        in one call (no shared store). Raises `UNAVAILABLE`."""

    async def fetch(self, key: str) -> Entry | None:
        """The local copy, else the shared one (then kept locally)."""

    async def store(self, key: str, entry: Entry) -> None:
        """Keep an entry locally and in the shared store."""

    async def bump(self, site: str, thread: str | None, token: str) -> bool:
        """A new version for the thread (the site, when None), once per token.

        Answers whether it changed anything (False: this token was applied already).
        Raises `UNAVAILABLE` when the shared store does not answer.
        """

    async def flush(self, site: str | None, thread: str | None) -> int:
        """Drop cached entries (all, a site's, a thread's) and make the rest unreachable."""

    async def run(self) -> None:
        """Listen for other instances' bumps until cancelled."""

    async def close(self) -> None:
        """Release connections."""


class MemoryPages:
    """The page cache of a single process: the same keys and rules, nothing shared."""

    def __init__(self, max_bytes: int) -> None:
        self.local = LocalCopies(max_bytes)
        self.versions = Versions()
        self.versions.epoch = secrets.token_hex(8)
        self._done: OrderedDict[str, None] = OrderedDict()

    @property
    def trusted(self) -> bool:
        """Always: this process hears every bump."""
        return True

    def known_stamp(self, site: str, threads: Sequence[str]) -> str | None:
        """The stamp: every version is known here (unbumped ones are `MISSING`)."""
        versions = self.versions
        tokens = [versions.get(site_name(site)) or MISSING]
        tokens += [versions.get(thread_name(site, t)) or MISSING for t in threads]
        return combine(versions.epoch or MISSING, tokens)

    async def stamp(self, site: str, threads: Sequence[str], *, fresh: bool) -> str:
        """Same as `known_stamp`."""
        stamp = self.known_stamp(site, threads)
        assert stamp is not None
        return stamp

    async def stamp_and(
        self, site: str, thread: str, others: Sequence[str]
    ) -> tuple[str, list[str | None]] | None:
        """Not in one call here: the other keys live in another in-process store."""
        return None

    async def fetch(self, key: str) -> Entry | None:
        """The local copy."""
        return self.local.get(key)

    async def store(self, key: str, entry: Entry) -> None:
        """Keep it locally."""
        self.local.put(key, entry)

    async def bump(self, site: str, thread: str | None, token: str) -> bool:
        """A new version, once per token."""
        if token in self._done:
            return False
        self._done[token] = None
        if len(self._done) > 100_000:
            self._done.popitem(last=False)
        name = site_name(site) if thread is None else thread_name(site, thread)
        self.versions.hear(name, token)
        return True

    async def flush(self, site: str | None, thread: str | None) -> int:
        """Drop the entries and move the versions on."""
        dropped = self.local.drop(entry_prefix(site, thread))
        token = secrets.token_hex(8)
        if site is None:
            self.versions.clear()
            self.versions.epoch = token
        else:
            await self.bump(site, thread, token)
        return dropped

    async def run(self) -> None:
        """Nothing to listen to."""
        await asyncio.Event().wait()

    async def close(self) -> None:
        """Forget everything."""
        self.local.drop()


# Reads the epoch and the versions in one call (the first ARGV[3] keys; plain GETs of the
# rest, '' when absent). A missing version (never set, expired, or evicted under memory
# pressure) gets a new random token, never an old value again: no copy cached under what
# it was before can match.
_STAMP = """
local out = {}
local versions = tonumber(ARGV[3] or #KEYS)
for i = versions + 1, #KEYS do
  out[i] = redis.call('GET', KEYS[i]) or ''
end
for i = 1, versions do
  local value = redis.call('GET', KEYS[i])
  if not value then
    value = ARGV[1] .. i
    if i == 1 then
      if not redis.call('SET', KEYS[i], value, 'NX') then value = redis.call('GET', KEYS[i]) end
    elseif not redis.call('SET', KEYS[i], value, 'NX', 'EX', ARGV[2]) then
      value = redis.call('GET', KEYS[i])
    end
  end
  out[i] = value
end
return out
"""

# One bump per token: set the version, announce it. KEYS: version, done-marker.
_BUMP = """
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
"""


def _bytes(value: bytes | str | None) -> bytes:
    if isinstance(value, str):
        return value.encode()
    return value or b""


class RedisPages:
    """Versions and shared copies in Redis, local copies in this process."""

    def __init__(
        self, client: Redis, listener: Redis, max_bytes: int, prefix: str = "comments:"
    ) -> None:
        self.local = LocalCopies(max_bytes)
        self.versions = Versions()
        self._redis = client
        self._listener = listener
        self._prefix = prefix
        self._subscribed = False
        self._stamp = client.register_script(_STAMP)
        self._bump = client.register_script(_BUMP)
        self.reconnects = 0

    @classmethod
    def from_url(cls, url: str, max_bytes: int) -> RedisPages:
        """A cache over new binary clients for `url`.

        The listener never retries: redis-py would otherwise reconnect and resubscribe
        quietly, and the bumps announced in between would be lost without notice.
        """
        return cls(redis_client(url), redis_client(url, retries=False), max_bytes)

    @property
    def trusted(self) -> bool:
        """While subscribed: every bump since then has been heard."""
        return self._subscribed and self.versions.epoch is not None

    def _names(self, site: str, threads: Sequence[str]) -> list[str]:
        return [site_name(site), *(thread_name(site, t) for t in threads)]

    def known_stamp(self, site: str, threads: Sequence[str]) -> str | None:
        """From versions heard here while subscribed; None when any is unknown."""
        if not self.trusted:
            return None
        versions = self.versions
        tokens = []
        for name in self._names(site, threads):
            token = versions.get(name)
            if token is None:
                return None
            tokens.append(token)
        return combine(versions.epoch or MISSING, tokens)

    async def stamp(self, site: str, threads: Sequence[str], *, fresh: bool) -> str:
        """Known locally (unless `fresh`), else asked of Redis and remembered if trusted."""
        if not fresh:
            known = self.known_stamp(site, threads)
            if known is not None:
                return known
        names = self._names(site, threads)
        asked_at, trusted = self.versions.heard, self.trusted
        keys = [self._prefix + "pv:epoch", *(self._prefix + "pv:" + n for n in names)]
        answer = await self._stamp(keys=keys, args=[secrets.token_hex(8), VERSION_TTL])
        epoch, *tokens = (value.decode() for value in answer)
        if trusted and self.trusted:
            if self.versions.epoch != epoch:
                self._new_epoch(epoch)
            for name, token in zip(names, tokens, strict=True):
                self.versions.learn(name, token, asked_at)
        return combine(epoch, tokens)

    async def stamp_and(
        self, site: str, thread: str, others: Sequence[str]
    ) -> tuple[str, list[str | None]] | None:
        """The fresh stamp and the other keys' values, in one script call."""
        names = self._names(site, (thread,))
        keys = [self._prefix + "pv:epoch", *(self._prefix + "pv:" + n for n in names)]
        versions = len(keys)
        keys += [self._prefix + other for other in others]
        answer = await self._stamp(keys=keys, args=[secrets.token_hex(8), VERSION_TTL, versions])
        values = [value.decode() for value in answer]
        epoch, *tokens = values[:versions]
        return combine(epoch, tokens), [value or None for value in values[versions:]]

    def _new_epoch(self, epoch: str) -> None:
        self.versions.clear()
        self.versions.epoch = epoch
        self.local.drop()

    async def fetch(self, key: str) -> Entry | None:
        """The local copy, else Redis's (kept locally then)."""
        entry = self.local.get(key)
        if entry is not None:
            return entry
        found = await self._redis.hmget(self._prefix + key, ["e", "b", "z", "m", "u", "c"])
        if found[0] is None or found[1] is None or found[2] is None:
            return None
        etag, plain, gz, meta, until, cdn = (_bytes(value) for value in found)
        entry = Entry(etag.decode(), plain, gz, meta, float(until or 0), int(cdn or 0))
        self.local.put(key, entry)
        return entry

    async def store(self, key: str, entry: Entry) -> None:
        """Locally, and in Redis for the other instances (expiring)."""
        self.local.put(key, entry)
        name = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(name, mapping={"e": entry.etag, "b": entry.plain, "z": entry.gz,
                                     "m": entry.meta, "u": repr(entry.until),
                                     "c": entry.cdn})  # fmt: skip
            pipe.expire(name, PAGE_TTL)
            await pipe.execute()

    async def bump(self, site: str, thread: str | None, token: str) -> bool:
        """Set the version to `token` once, announce it, and know it here at once."""
        name = site_name(site) if thread is None else thread_name(site, thread)
        changed = await self._bump(
            keys=[self._prefix + "pv:" + name, self._prefix + "pv:done:" + token],
            args=[token, VERSION_TTL, DONE_TTL, CHANNEL, f"v{SEP}{name}{SEP}{token}"],
        )
        if changed:
            self.versions.hear(name, token)
        return bool(changed)

    async def flush(self, site: str | None, thread: str | None) -> int:
        """Delete matching shared and local copies; move the versions (or epoch) on."""
        dropped = self.local.drop(entry_prefix(site, thread))
        pattern = self._prefix + entry_prefix(site, thread) + "*"
        batch: list[bytes] = []
        async for name in self._redis.scan_iter(match=pattern, count=500):
            batch.append(name)
            if len(batch) >= 500:
                dropped += int(await self._redis.unlink(*batch))
                batch = []
        if batch:
            dropped += int(await self._redis.unlink(*batch))
        if site is None:
            epoch = secrets.token_hex(8)
            await self._redis.set(self._prefix + "pv:epoch", epoch)
            await self._redis.publish(CHANNEL, f"e{SEP}{epoch}")
        else:
            await self.bump(site, thread, secrets.token_hex(8))
        return dropped

    def _heard(self, message: bytes) -> None:
        kind, _, rest = message.decode().partition(SEP)
        if kind == "v":
            name, _, token = rest.rpartition(SEP)
            self.versions.hear(name, token)
        elif kind == "e" and rest != self.versions.epoch:
            self._new_epoch(rest)

    async def _epoch_after_outage(self) -> str:
        """A new epoch: whatever was cached before this instance lost Redis is void."""
        epoch = secrets.token_hex(8)
        await self._redis.set(self._prefix + "pv:epoch", epoch)
        await self._redis.publish(CHANNEL, f"e{SEP}{epoch}")
        return epoch

    async def run(self) -> None:
        """Subscribe, then trust what is heard; on a drop, distrust and resubscribe."""
        lost = False
        pause = 0.05
        while True:
            pubsub = self._listener.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CHANNEL)
                if lost:
                    epoch = await self._epoch_after_outage()
                    self.reconnects += 1
                    log.warning("page cache listens again; cached pages before now are void")
                else:
                    answer = await self._stamp(
                        keys=[self._prefix + "pv:epoch"], args=[secrets.token_hex(8), VERSION_TTL]
                    )
                    epoch = answer[0].decode()
                self._new_epoch(epoch)
                self._subscribed = True
                pause = 0.05
                while True:
                    message = await pubsub.get_message(timeout=30.0)
                    if message is not None and message.get("type") == "message":
                        self._heard(message["data"])
                    elif message is None:
                        await pubsub.ping()
            except asyncio.CancelledError:
                raise
            except LOST as exc:
                if self._subscribed or not lost:
                    log.warning("page cache lost Redis (%s); reads ask the database", exc)
                lost = True
            finally:
                self._subscribed = False
                self.versions.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(pause)
            pause = min(1.0, pause * 2)

    async def close(self) -> None:
        """Release connections."""
        self.local.drop()
        await self._redis.aclose()
        await self._listener.aclose()


def make_pages(redis_url: str | None, max_bytes: int) -> PageCache:
    """Redis when configured, else in process only."""
    return RedisPages.from_url(redis_url, max_bytes) if redis_url else MemoryPages(max_bytes)
