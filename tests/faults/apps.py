"""The app as an operator runs it: `comments serve` and `comments worker` subprocesses.

Each process logs to its own file in the test's temporary directory; a `Fleet`
starts them with one test's settings, adds the ends of their logs to failure
messages, and kills whatever still runs when the test ends.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

from tests.faults.cluster import deadline_passed, free_port, tail

SECRET_KEY = "fault-tests-secret-key-of-32-chars-or-more"
START_TIMEOUT = 20.0


def app_environment(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of an app process: the caller's, minus any COMMENTS_*/PG*, plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMMENTS_", "PG"))}
    env |= {
        "COMMENTS_DATABASE_URL": database_url,
        "COMMENTS_REDIS_URL": redis_url,
        "COMMENTS_SECRET_KEY": SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
    }
    return env | extra


class AppProcess:
    """One `comments serve` (with a port) or `comments worker` (without) subprocess."""

    def __init__(self, name: str, command: str, env: dict[str, str], directory: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.directory = directory
        self.log = directory / f"{name}.log"
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The instance's base URL (serve only)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        """Whether the process still runs."""
        return self._process is not None and self._process.poll() is None

    def _spawn(self) -> None:
        args = [sys.executable, "-m", "comments", self.command]
        env = dict(self.env)
        if self.command == "serve":
            args += ["--host", "127.0.0.1", "--port", str(self.port)]
            env["COMMENTS_PUBLIC_URL"] = self.url
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                args,
                cwd=self.directory,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Spawn; a server is ready when GET /healthz answers 200 (a worker when spawned)."""
        if self.command != "serve":
            self._spawn()
            return
        for _attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            self._spawn()
            if self._wait_healthy(timeout):
                return
            if self.alive:
                break
        raise AssertionError(
            f"{self.name} did not become healthy in {timeout:.0f} s{self.report()}"
        )

    def _wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0) as client:
            while not deadline_passed(deadline) and self.alive:
                try:
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return True
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        return False

    async def until_healthy(self, within: float = START_TIMEOUT) -> None:
        """Wait (without blocking the event loop) until /healthz answers 200."""
        deadline = time.monotonic() + within
        last = "no answer"
        async with httpx.AsyncClient(timeout=1.0) as client:
            while not deadline_passed(deadline) and self.alive:
                try:
                    response = await client.get(f"{self.url}/healthz")
                    if response.status_code == 200:
                        return
                    last = f"{response.status_code} {response.text[:200]}"
                except httpx.TransportError as exc:
                    last = type(exc).__name__
                await asyncio.sleep(0.05)
        raise AssertionError(
            f"{self.name} /healthz not ok in {within:.0f} s: {last}{self.report()}"
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, as in a crash or an OOM kill."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(timeout=10)

    def terminate(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def report(self) -> str:
        """The end of this process's log, to attach to a failure message."""
        return f"\n--- {self.name} log ({self.log.name}) ---\n{tail(self.log)}"


class Fleet:
    """The app processes of one test: started with shared settings, all killed at the end."""

    def __init__(self, directory: Path, database_url: str, redis_url: str) -> None:
        self.directory = directory
        self.database_url = database_url
        self.redis_url = redis_url
        self.processes: list[AppProcess] = []
        self.extra_reports: list[tuple[str, Path]] = []

    def _process(self, name: str, command: str, env: dict[str, str]) -> AppProcess:
        process = AppProcess(
            name, command, app_environment(self.database_url, self.redis_url, **env), self.directory
        )
        self.processes.append(process)
        return process

    def serve(self, name: str, **env: str) -> AppProcess:
        """Start `comments serve` and wait until it is healthy."""
        process = self._process(name, "serve", env)
        process.start()
        return process

    def worker(self, name: str = "worker", **env: str) -> AppProcess:
        """Start `comments worker` (the outbox dispatcher alone)."""
        process = self._process(name, "worker", env)
        process.start()
        return process

    def attach(self, name: str, log: Path) -> None:
        """Add another log (Redis's, PostgreSQL's) to failure messages."""
        self.extra_reports.append((name, log))

    def explain(self, message: str) -> str:
        """`message` followed by the end of every process's log."""
        parts = [message, *(p.report() for p in self.processes)]
        parts += [f"\n--- {name} log ---\n{tail(path, 1500)}" for name, path in self.extra_reports]
        return "".join(parts)

    def close(self) -> None:
        """Kill whatever still runs."""
        for process in self.processes:
            process.kill()


def run_migrate(
    database_url: str, directory: Path, redis_url: str = "redis://127.0.0.1:1/0"
) -> None:
    """`comments migrate` as an operator runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "comments", "migrate"],
        cwd=directory,
        env=app_environment(database_url, redis_url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"comments migrate failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
