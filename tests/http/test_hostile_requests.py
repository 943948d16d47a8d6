"""Hostile HTTP against the real server: huge bodies, bodies that never come, huge headers.

The app runs under uvicorn on a loopback socket with the options `comments serve` uses,
and the requests are written by hand on raw sockets, as an attacker would. Every test
waits on the server with a socket deadline: a server that held the connection open
would fail it, not hang the run.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn

from comments import cli
from comments.app import create_app
from comments.settings import Settings

SSO = "/auth/sso"  # takes a JSON body and no login: the body is the first thing read
DEADLINE = 10.0  # seconds a test waits for the server's answer (or its closing)
BODY_TIMEOUT = 1.0  # the server's deadline for a request body, shortened for the tests
TEN_MB = 10 * 1024 * 1024


def server_options() -> dict[str, Any]:
    """What `comments serve` gives uvicorn: header limits, keep-alive timeout, h11."""
    options = getattr(cli, "uvicorn_options", None)
    if options is None:  # before the command line grew them
        return {"h11_max_incomplete_event_size": 65536, "timeout_keep_alive": 5}
    found: dict[str, Any] = options()
    return found


@dataclass
class Server:
    """The app under uvicorn in a thread."""

    host: str
    port: int
    server: uvicorn.Server
    thread: threading.Thread

    def connect(self) -> socket.socket:
        """A raw connection with a deadline on every read."""
        sock = socket.create_connection((self.host, self.port), timeout=DEADLINE)
        sock.settimeout(DEADLINE)
        return sock


@pytest.fixture
def server(sqlite_url: str) -> Iterator[Server]:
    """The app on a kernel-chosen loopback port, with a short body deadline."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = Settings(
        database_url=sqlite_url,
        public_url=f"http://127.0.0.1:{port}",
        secret_key="h" * 32,
        body_timeout_seconds=BODY_TIMEOUT,
    )
    options = server_options() | {"log_level": "warning", "lifespan": "on"}
    options["timeout_graceful_shutdown"] = 1
    running = uvicorn.Server(uvicorn.Config(create_app(settings), **options))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield Server("127.0.0.1", port, running, thread)
    running.should_exit = True
    thread.join(timeout=10)
    sock.close()


@dataclass(frozen=True)
class Answer:
    """A parsed HTTP response."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON, after checking it says so."""
        assert self.headers.get("content-type", "").startswith("application/json"), self
        return json.loads(self.body)


def read_answer(sock: socket.socket) -> Answer | None:
    """The server's response, or None when it closed (or reset) the connection first.

    A server that neither answers nor closes within the deadline raises `TimeoutError`.
    """
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    except ConnectionResetError:
        if not data:
            return None
        raise
    return Answer(int(lines[0].split()[1]), headers, body)


def request_head(path: str, **headers: str) -> bytes:
    """A POST's request line and headers."""
    fields = {"Host": "127.0.0.1", "Content-Type": "application/json"} | {
        name.replace("_", "-"): value for name, value in headers.items()
    }
    lines = [f"POST {path} HTTP/1.1", *(f"{k}: {v}" for k, v in fields.items()), "", ""]
    return "\r\n".join(lines).encode()


def assert_still_serving(server: Server) -> None:
    """A plain request on a fresh connection still works."""
    with server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = read_answer(sock)
    assert answer is not None and answer.status == 200, answer


def test_a_declared_10_mb_body_is_refused_with_413_before_it_is_sent(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(request_head(SSO, Content_Length=str(TEN_MB)) + b'{"site": "news", ')
        answer = read_answer(sock)
    assert answer is not None and answer.status == 413, answer
    assert answer.json()["error"]["code"] == "too_large"
    assert_still_serving(server)


def test_a_streamed_10_mb_body_is_refused_once_it_passes_the_limit(server: Server) -> None:
    chunk = b"%x\r\n%s\r\n" % (8192, b" " * 8192)
    sent = 0
    with server.connect() as sock:
        sock.sendall(request_head(SSO, Transfer_Encoding="chunked"))
        # Keep sending until the server answers: it must not wait for all 10 MB.
        while sent < TEN_MB:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += 8192
        answer = read_answer(sock)
    assert sent < TEN_MB
    assert answer is not None and answer.status == 413, answer
    assert answer.json()["error"]["code"] == "too_large"
    assert_still_serving(server)


def test_a_body_shorter_than_its_length_is_answered_or_closed_within_seconds(
    server: Server,
) -> None:
    with server.connect() as sock:
        sock.sendall(request_head(SSO, Content_Length="1000") + b'{"site": "news"')
        answer = read_answer(sock)  # TimeoutError if the server just waits
    if answer is not None:
        assert answer.status in (400, 408), answer
        assert answer.json()["error"]["code"] == "bad_request"
    assert_still_serving(server)


def test_a_body_trickled_slower_than_the_deadline_is_cut_off(server: Server) -> None:
    body = b'{"site": "news", "token": "' + b"t" * 200 + b'"}'
    with server.connect() as sock:
        sock.sendall(request_head(SSO, Content_Length=str(len(body))))
        answer = None
        for byte in body:  # one byte at a time, each before the server's patience ends
            readable, _, _ = select.select([sock], [], [], BODY_TIMEOUT / 10)
            if readable:
                answer = read_answer(sock)
                break
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
        else:
            pytest.fail("the server read a trickled body for longer than its deadline")
    if answer is not None:
        assert answer.status == 400, answer
    assert_still_serving(server)


def test_a_1_mb_header_is_refused_without_a_server_error(server: Server) -> None:
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 1024 * 1024
    with server.connect() as sock:
        try:
            sock.sendall(head + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while it was still arriving
        answer = read_answer(sock)
    if answer is not None:
        assert 400 <= answer.status < 500, answer
    assert_still_serving(server)
