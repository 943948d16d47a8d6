"""The app under uvicorn on a real loopback socket, for browsers and streaming clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from comments.app import create_app
from comments.settings import Settings


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class LiveServer:
    """The app under uvicorn in a thread, on a port the kernel chose."""

    def __init__(self, settings: Settings, sock: socket.socket, demo: bool) -> None:
        self.settings = settings
        config = uvicorn.Config(
            create_app(settings, demo=demo),
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=1,  # open event streams must not hold the test up
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]})
        self.sock = sock

    @property
    def url(self) -> str:
        """The public URL the app was configured with."""
        return self.settings.public_url

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def serve_app(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start the app (optionally the demo) on `host`; stopped after the test."""
    started: list[LiveServer] = []

    def start(host: str = "127.0.0.1", demo: bool = True, **settings: Any) -> LiveServer:
        sock = _bound_socket()
        port = sock.getsockname()[1]
        values: dict[str, Any] = {
            "database_url": f"sqlite+aiosqlite:///{tmp_path}/browser-{len(started)}.db",
            "public_url": f"http://{host}:{port}",
            "secret_key": "b" * 32,
        } | settings
        from comments.storage.migrate import upgrade

        upgrade(values["database_url"])
        server = LiveServer(Settings(**values), sock, demo)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
