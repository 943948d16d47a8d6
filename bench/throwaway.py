"""Throwaway PostgreSQL and Redis servers for benchmarks, on free loopback ports.

The same recipe as the tests' fixtures (initdb and pg_ctl, through `runuser -u postgres`
when run as root; fsync off), in a temporary directory removed at the end; never a
server that already runs on the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bindir() -> Path:
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(found.stdout.strip())
        if found.returncode == 0 and (bindir / "initdb").is_file():
            return bindir
    candidates = sorted(
        (p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)],
    )
    if not candidates:
        raise SystemExit("PostgreSQL server binaries not found (install `postgresql`)")
    return candidates[-1]


@contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields `postgresql+asyncpg://postgres@127.0.0.1:<port>/postgres`."""
    bindir = _postgres_bindir()
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(folder, user="postgres", group="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"LC_ALL": "C"}
    data = folder / "data"

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], cwd=folder, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    port = free_port()
    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth", "trust",
            "--encoding", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        options = (
            f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
            " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o", options,
            "-w", "-t", "60", "start")  # fmt: skip
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis() -> Iterator[str]:
    """A private `redis-server` without persistence; yields `redis://127.0.0.1:<port>/0`."""
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server not found (install `redis-server`)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="bench-redis-")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", folder],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
