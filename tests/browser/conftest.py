"""Browser fixtures: Debian's Chromium through Playwright, and the app served by uvicorn."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Launch Debian's Chromium, never a downloaded browser."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def publisher_page(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A publisher's own article page on 127.0.0.1, a different site from `localhost`."""
    root = tmp_path / "publisher"
    root.mkdir()
    servers: list[ThreadingHTTPServer] = []

    def publish(html: str) -> str:
        (root / "article.html").write_text(html, encoding="utf-8")
        if not servers:

            class Quiet(SimpleHTTPRequestHandler):
                def __init__(self, *args: Any, **kwargs: Any) -> None:
                    super().__init__(*args, directory=str(root), **kwargs)

                def log_message(self, format: str, *args: Any) -> None:
                    pass

            server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
        return f"http://127.0.0.1:{servers[0].server_address[1]}"

    yield publish
    for server in servers:
        server.shutdown()
        server.server_close()
