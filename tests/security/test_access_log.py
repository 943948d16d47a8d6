"""The access log never holds a login's secrets: the app under uvicorn as `comments serve`
starts it (the same options and logging), with every access record captured.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2 as httpx
import pytest
import uvicorn

from comments.app import create_app
from comments.cli import uvicorn_options
from comments.settings import Settings
from comments.storage.migrate import upgrade


class Records(logging.Handler):
    """Keeps every record it is handed, formatted as the operator would read it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def access_records() -> Iterator[Records]:
    """Capture `uvicorn.access`, and leave the logger as it was found."""
    logger = logging.getLogger("uvicorn.access")
    saved = (logger.level, list(logger.handlers), list(logger.filters), logger.propagate)
    records = Records()
    try:
        yield records
    finally:
        logger.removeHandler(records)
        logger.setLevel(saved[0])
        logger.handlers[:] = saved[1]
        logger.filters[:] = saved[2]
        logger.propagate = saved[3]


@contextmanager
def served_like_comments_serve(tmp_path: Path) -> Iterator[tuple[str, Records]]:
    """The demo app under uvicorn with `uvicorn_options()` at the default log level."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    database = f"sqlite+aiosqlite:///{tmp_path}/access.db"
    upgrade(database)
    settings = Settings(database_url=database, public_url=url, secret_key="a" * 32)
    with access_records() as records:
        config = uvicorn.Config(
            create_app(settings, demo=True), **uvicorn_options(), log_level="info"
        )
        # Config applied the logging (as `uvicorn.run` does): now listen to it.
        logging.getLogger("uvicorn.access").addHandler(records)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
        thread.start()
        started = threading.Event()
        while not started.wait(0.01):
            if server.started:
                started.set()
            elif not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
        try:
            yield url, records
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()


def dev_login(http: httpx.Client, url: str) -> dict[str, str]:
    """The whole dev popup login over HTTP; answers the callback's query parameters."""
    start = http.get("/auth/dev/login", params={"site": "demo", "origin": url})
    assert start.status_code == 303, start.text
    form = http.get(start.headers["location"])
    fields = {k: unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form.text)}
    granted = http.post("/auth/dev/authorize", data=fields | {"name": "Alice"})
    assert granted.status_code == 303, granted.text
    callback = granted.headers["location"]
    finished = http.get(callback)
    assert finished.status_code == 200, finished.text
    return dict(parse_qsl(urlsplit(callback).query))


def test_access_log_carries_no_authorization_code_or_state(tmp_path: Path) -> None:
    """Secrets in logs: the login callback's `code` and `state` (and the PKCE
    challenge on the way out) never reach the access log at the default level; the
    paths and statuses still do."""
    with (
        served_like_comments_serve(tmp_path) as (url, records),
        httpx.Client(base_url=url, trust_env=False, timeout=10, follow_redirects=False) as http,
    ):
        secrets = dev_login(http, url)
    log = "\n".join(records.lines)
    assert re.search(r'"GET /auth/dev/callback HTTP/1\.1" 200', log), log
    for name in ("code", "state"):
        assert secrets[name] not in log
    assert "?" not in log
    assert "code_challenge" not in log


@pytest.mark.parametrize("path", ["/auth/dev/callback?code=c0de&state=s7ate", "/x?token=t0k"])
def test_every_query_is_cut_from_access_records(path: str) -> None:
    """Secrets in logs, at the filter itself: uvicorn's access record keeps its shape
    with the query cut, whatever the path."""
    from comments.http.access_log import QueryFreeAccessLog

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200), None,
    )  # fmt: skip
    assert QueryFreeAccessLog().filter(record)
    args: Any = record.args
    assert args == ("127.0.0.1:5000", "GET", path.split("?")[0], "1.1", 200)
