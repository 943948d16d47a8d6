"""Idle live streams: what N open `…/events?thread=T` connections cost one server process.

Starts `comments serve` (one uvicorn worker) on a temporary SQLite file and a throwaway
Redis, pinned to the first CPU, and for each N opens N Server-Sent Events streams on one
thread from this process (pinned to the other CPUs, if any), each waiting for its
`ready`. It prints the server's resident memory (VmRSS from /proc) before and after, and
per connection; then it appends a few events of about 1 KB to the thread's log in Redis,
as the dispatcher does when a comment is published, and prints how long each event took
to reach all N readers (p50, p99, max over every reader and event, from the append to
this process reading it: the fan-out inside the server plus this single client loop,
which reads the N sockets one after the other). A fresh server for each N.

    .venv/bin/python bench/bench_sse_idle.py [--counts 2000 5000] [--events 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import throwaway

from comments.realtime import RedisEventLog

SITE = "news"
THREAD = "breaking"
ORIGIN = "https://news.example"
BATCH = 200  # connections opened at once


def raise_open_files(wanted: int) -> int:
    """Lift the soft limit on open files (this process and the server it starts)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard == resource.RLIM_INFINITY else min(hard, max(soft, wanted))
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpus() -> tuple[set[int], set[int]]:
    """The server's CPU and the client's: apart when there are two or more."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return set(available), set(available)
    return {available[0]}, set(available[1:])


@contextmanager
def server(redis_url: str, folder: Path, port: int, cpu: set[int]) -> Iterator[int]:
    """`comments serve` on a fresh database; yields its pid once it answers."""
    env = os.environ | {
        "COMMENTS_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/comments-{port}.db",
        "COMMENTS_REDIS_URL": redis_url,
        "COMMENTS_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "COMMENTS_SECRET_KEY": "b" * 32,
        "COMMENTS_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "comments"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*command, "sites", "add", SITE, "--origin", ORIGIN], env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, cpu),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Reader:
    """One idle stream: opened until `ready`, then noting when each marked event arrives."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.writer: asyncio.StreamWriter | None = None

    async def open(self, port: int) -> asyncio.StreamReader:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        request = (
            f"GET /api/v1/sites/{SITE}/events?thread={THREAD} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        self.writer.write(request.encode())
        buffer = b""
        while b"event: ready" not in buffer:
            chunk = await reader.read(4096)
            if not chunk:
                raise RuntimeError(f"the stream closed before ready: {buffer[:200]!r}")
            buffer += chunk
        return reader

    async def listen(self, reader: asyncio.StreamReader, markers: list[str]) -> None:
        wanted = [(m, f'"id":"{m}"'.encode()) for m in markers]
        buffer = b""
        while wanted:
            chunk = await reader.read(65536)
            if not chunk:
                return
            now = time.monotonic()
            buffer = buffer[-64:] + chunk
            while wanted and wanted[0][1] in buffer:
                self.arrived[wanted.pop(0)[0]] = now

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(redis_url: str, port: int, pid: int, count: int, events: int) -> None:
    # Warm up: the first streams load what every stream uses, then close.
    warm = [Reader() for _ in range(20)]
    for reader in warm:
        await reader.open(port)
    for reader in warm:
        reader.close()
    await asyncio.sleep(2)
    before = rss_kib(pid)

    readers = [Reader() for _ in range(count)]
    streams: list[asyncio.StreamReader] = []
    started = time.monotonic()
    for at in range(0, count, BATCH):
        streams += await asyncio.gather(*(r.open(port) for r in readers[at : at + BATCH]))
    opened = time.monotonic() - started
    await asyncio.sleep(3)
    after = rss_kib(pid)

    markers = [f"bench-{n}" for n in range(events)]
    listening = [
        asyncio.create_task(r.listen(s, markers)) for r, s in zip(readers, streams, strict=True)
    ]
    log = RedisEventLog(redis_url)
    sent: dict[str, float] = {}
    html = "<p>" + "Live comment text. " * 50 + "</p>"
    try:
        for marker in markers:
            await asyncio.sleep(1.0)
            sent[marker] = time.monotonic()
            await log.append(f"{SITE}:{THREAD}", "comment.created", {"id": marker, "html": html})
        async with asyncio.timeout(60):
            await asyncio.gather(*listening)
    finally:
        await log.close()
    delivered = rss_kib(pid)
    for reader in readers:
        reader.close()

    latencies = [(reader.arrived[m] - sent[m]) * 1000 for reader in readers for m in markers]
    spread = [
        (max(r.arrived[m] for r in readers) - sent[m]) * 1000 for m in markers
    ]  # fmt: skip
    growth = after - before
    print(f"\n{count:,} idle streams on one thread (opened in {opened:.1f} s)")
    print(f"  server RSS before      {before / 1024:8.1f} MiB")
    print(f"  server RSS with them   {after / 1024:8.1f} MiB   (+{growth / 1024:.1f} MiB)")
    print(f"  per connection         {growth / count:8.1f} KiB")
    print(f"  RSS after {events} events    {delivered / 1024:8.1f} MiB")
    print(
        f"  delivery of one event to all {count:,}: p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms; "
        f"last reader per event: {', '.join(f'{s:.0f}' for s in spread)} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--events", type=int, default=5)
    args = parser.parse_args()
    limit = raise_open_files(2 * max(args.counts) + 1000)
    if limit < max(args.counts) + 200:
        raise SystemExit(f"open files are limited to {limit}: too few for {max(args.counts)}")
    server_cpu, client_cpu = cpus()
    os.sched_setaffinity(0, client_cpu)
    print(f"server on CPU {sorted(server_cpu)}, clients on CPU {sorted(client_cpu)}")
    with throwaway.redis() as redis_url, tempfile.TemporaryDirectory() as folder:
        for count in args.counts:
            port = throwaway.free_port()
            with server(redis_url, Path(folder), port, server_cpu) as pid:
                asyncio.run(measure(redis_url, port, pid, count, args.events))


if __name__ == "__main__":
    main()
