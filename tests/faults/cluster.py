"""The real servers a fault test may break: Redis and PostgreSQL.

Each is private to the tests that start it: a `redis-server` and a PostgreSQL
cluster on ports the kernel chose, in temporary directories. Each can be killed
(SIGKILL, or PostgreSQL's immediate stop) and started again on the same port, which
is what a crash and a restart look like to the app. The app's own processes are in
`tests.faults.apps`.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import redis

from tests.fixtures_services import PostgresServer, _Cluster, _free_port

LOG_TAIL = 4000

free_port = _free_port


def tail(path: Path, chars: int = LOG_TAIL) -> str:
    """The end of a log file, for failure messages."""
    if not path.exists():
        return "(no log)"
    text = path.read_text(errors="replace")
    return text if len(text) <= chars else "…" + text[-chars:]


def deadline_passed(deadline: float) -> bool:
    """Whether a `time.monotonic()` deadline is behind us."""
    return time.monotonic() > deadline


# --------------------------------------------------------------------------- Redis


class RedisServer:
    """A private `redis-server` that a test may kill and start again on the same port."""

    def __init__(self, directory: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server not found (install the `redis-server` package)")
        self.executable = executable
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log = directory / "redis.log"
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """`redis://127.0.0.1:<port>/0`."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start on a free port and wait until PING answers."""
        for _attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            self._spawn()
            if self._wait_ping():
                return
            self.kill()
        raise RuntimeError(f"redis-server did not answer on {self.port}:\n{tail(self.log)}")

    def restart(self) -> None:
        """Start again on the same port (after `kill`) and wait until PING answers."""
        self._spawn()
        if not self._wait_ping():
            raise RuntimeError(f"redis-server did not come back on {self.port}:\n{tail(self.log)}")

    def _spawn(self) -> None:
        args = [
            self.executable,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.directory),
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )

    def _wait_ping(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while not deadline_passed(deadline):
            if self._process is None or self._process.poll() is not None:
                return False
            client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5)
            try:
                if client.ping():
                    return True
            except redis.RedisError:
                pass
            finally:
                client.close()
            time.sleep(0.02)
        return False

    def kill(self) -> None:
        """SIGKILL: the server vanishes without a goodbye, as in a crash."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(timeout=10)

    def close(self) -> None:
        """Stop for good (teardown)."""
        self.kill()


# ---------------------------------------------------------------------- PostgreSQL


class PostgresCluster(_Cluster):
    """A private PostgreSQL cluster that can be stopped and started on one port and data dir.

    Unlike the session's shared server it keeps `synchronous_commit` on: an immediate
    stop must not lose a commit the app already reported (with `fsync=off` the data
    still reaches the operating system, which outlives the server processes).
    """

    def __init__(self, bindir: Path) -> None:
        super().__init__(bindir)
        self.port = 0

    @property
    def server(self) -> PostgresServer:
        """Host, port and database helpers (create, clone, drop)."""
        return PostgresServer(
            host="127.0.0.1", port=self.port, user="postgres", bindir=self.bindir,
            directory=self.directory,
        )  # fmt: skip

    def start(self, port: int | None = None) -> subprocess.CompletedProcess[str]:
        """Start and wait until it accepts connections: first on a free port, then on it again."""
        self.port = port or self.port
        first = not self.port
        for _attempt in range(3 if first else 1):  # another process may take a free port first
            if first:
                self.port = free_port()
            done = self._pg_ctl_start()
            if done.returncode == 0:
                return done
        raise self._fail("pg_ctl start", done)

    def _pg_ctl_start(self) -> subprocess.CompletedProcess[str]:
        return _Cluster.start(self, self.port, synchronous_commit=True)

    def stop(self, mode: Literal["immediate", "fast"] = "immediate") -> None:
        """Stop: `immediate` is a crash (no checkpoint), `fast` a clean shutdown."""
        if not (self.data / "postmaster.pid").exists():
            return
        done = self._run(
            str(self.bindir / "pg_ctl"), "--pgdata", str(self.data), "--mode", mode,
            "--wait", "--timeout", "60", "stop",
        )  # fmt: skip
        if done.returncode != 0:
            raise self._fail(f"pg_ctl stop --mode {mode}", done)

    @property
    def running(self) -> bool:
        """Whether a postmaster holds the data directory."""
        return (self.data / "postmaster.pid").exists()


@dataclass(frozen=True)
class FaultDatabase:
    """A fresh migrated database on the package's cluster."""

    url: str  # for the app (postgresql+asyncpg://…)
    dsn: str  # for asyncpg (postgresql://…)
