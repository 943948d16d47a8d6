"""Request heads against the real server: the size limit httptools lacks, and a deadline.

The app runs under uvicorn with the options `comments serve` gives it (httptools with
`BoundedHttpTools`), and requests are written by hand on raw sockets. A head past 64 KiB
is answered 431 while it is still arriving, whether it comes in one read or in many, on
its own or pipelined behind another request; a 60 KiB head is served as usual; a head
trickled in for longer than its deadline is cut off, but a long response is not.
"""

from __future__ import annotations

import asyncio
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from comments import cli
from comments.app import create_app
from comments.http.server import HEAD_LIMIT, BoundedHttpTools
from comments.settings import Settings
from tests.http.test_hostile_requests import Answer

KIB = 1024
DEADLINE = 10.0  # seconds a test waits on the server before calling it stuck


@contextmanager
def running(app: ASGIApp, **overrides: Any) -> Iterator[int]:
    """`app` under uvicorn with `comments serve`'s options; yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    options = cli.uvicorn_options() | {"log_level": "critical", "lifespan": "on"} | overrides
    options["timeout_graceful_shutdown"] = 1
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def port(sqlite_url: str) -> Iterator[int]:
    """The comment service on a loopback port, as `comments serve` runs it."""
    settings = Settings(
        database_url=sqlite_url, public_url="http://127.0.0.1:8000", secret_key="h" * 32
    )
    with running(create_app(settings)) as found:
        yield found


class Client:
    """A raw connection that reads answers one at a time (pipelined ones too)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.sock.settimeout(DEADLINE)
        self.buffer = b""

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, data: bytes, piece: int | None = None) -> bool:
        """Send `data` (in pieces of `piece` bytes); False once the server stopped taking it."""
        step = piece or len(data)
        try:
            for start in range(0, len(data), step):
                self.sock.sendall(data[start : start + step])
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True

    def _more(self) -> bool:
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        self.buffer += chunk
        return bool(chunk)

    def answer(self) -> Answer | None:
        """The next answer, None when the server closed first; a chunked body comes whole,
        framing and all. A server that neither answers nor closes raises `TimeoutError`."""
        while b"\r\n\r\n" not in self.buffer:
            if not self._more():
                return None
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding") == "chunked":
            while b"0\r\n\r\n" not in self.buffer and self._more():
                pass
            body, _, self.buffer = self.buffer.partition(b"0\r\n\r\n")
        else:
            length = int(headers.get("content-length", "0"))
            while len(self.buffer) < length and self._more():
                pass
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Answer(int(lines[0].split()[1]), headers, body)

    def closed(self) -> bool:
        """Whether the server closed the connection, with nothing more said."""
        return not self.buffer and not self._more()


def head(padding: int, path: str = "/healthz", close: bool = True) -> bytes:
    """A GET whose head carries `padding` bytes of one header's value."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "X-Padding: " + "a" * padding]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def assert_refused(answer: Answer | None) -> None:
    assert answer is not None, "the connection closed without an answer"
    assert answer.status == 431, answer
    assert answer.headers["connection"] == "close"
    assert answer.headers["content-type"].startswith("text/plain")
    assert len(answer.body) < 100


def assert_ok(answer: Answer | None) -> None:
    assert answer is not None and answer.status == 200, answer


def healthy(port: int) -> bool:
    with Client(port) as client:
        client.send(head(0))
        answer = client.answer()
    return answer is not None and answer.status == 200


def test_a_100_kib_header_is_refused_before_it_is_all_sent(port: int) -> None:
    with Client(port) as bystander:
        bystander.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # half a request
        with Client(port) as client:
            # 70 KiB of the head and no end to it: answered without waiting for more.
            client.send(head(100 * KIB)[: 70 * KIB])
            assert_refused(client.answer())
            assert client.closed()
        bystander.send(b"Connection: close\r\n\r\n")
        assert_ok(bystander.answer())
    assert healthy(port)


def test_a_huge_head_in_many_small_reads_is_refused(port: int) -> None:
    with Client(port) as client:
        client.send(head(100 * KIB), piece=1000)
        assert_refused(client.answer())
    assert healthy(port)


def test_a_60_kib_header_is_served(port: int) -> None:
    for piece in (None, 1000, 7 * KIB + 3):  # one read, many small ones, across slices
        with Client(port) as client:
            assert client.send(head(60 * KIB), piece)
            assert_ok(client.answer())


def test_the_limit_is_64_kib_of_head(port: int) -> None:
    padding = HEAD_LIMIT - len(head(0))
    with Client(port) as client:
        client.send(head(padding))
        assert_ok(client.answer())
    with Client(port) as client:
        client.send(head(padding + 1))
        assert_refused(client.answer())


def test_each_pipelined_head_counts_on_its_own(port: int) -> None:
    # Two 40 KiB heads in one write: 80 KiB together, each within the limit.
    with Client(port) as client:
        client.send(head(40 * KIB, close=False) + head(40 * KIB))
        assert_ok(client.answer())
        assert_ok(client.answer())


def test_a_huge_head_pipelined_behind_a_request_is_refused_after_its_answer(port: int) -> None:
    with Client(port) as client:
        client.send(head(0, close=False) + head(100 * KIB) + head(0))
        assert_ok(client.answer())
        assert_refused(client.answer())
        assert client.closed(), "a request after the refused head was answered"
    assert healthy(port)


class QuickHeads(BoundedHttpTools):
    """The server's protocol with a short head deadline, so the test waits less."""

    head_seconds = 0.5


async def small_app(scope: Scope, receive: Receive, send: Send) -> None:
    """`/stream` takes several head deadlines to answer (an event stream's stand-in);
    `/echo` reads the whole body and answers its length; anything else answers `ok`."""
    assert scope["type"] == "http"
    text = b"ok"
    if scope["path"] == "/echo":
        size, more = 0, True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        text = b"%d" % size
    await send({"type": "http.response.start", "status": 200, "headers": []})
    if scope["path"] == "/stream":
        for _ in range(6):
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
            await asyncio.sleep(0.25)
    await send({"type": "http.response.body", "body": text})


@pytest.fixture
def quick_port() -> Iterator[int]:
    with running(small_app, http=QuickHeads, lifespan="off") as found:
        yield found


def test_a_body_does_not_count_towards_the_next_pipelined_head(quick_port: int) -> None:
    body = b"b" * 300 * KIB
    post = (
        b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 60 * KIB + b"\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    ) + body
    with Client(quick_port) as client:
        client.send(post + head(40 * KIB, path="/"))
        echoed = client.answer()
        assert_ok(echoed)
        assert echoed is not None and echoed.body == b"6\r\n%d\r\n" % len(body)
        assert_ok(client.answer())


def trickle(client: Client, request: bytes) -> None:
    """Send `request` a byte every 50 ms (far past the deadline) until the server speaks."""
    for byte in request:
        readable, _, _ = select.select([client.sock], [], [], 0.05)
        if readable or not client.send(bytes([byte])):
            return
    pytest.fail("the server read a trickled head for longer than its deadline")


@pytest.mark.parametrize("first", [False, True], ids=["new connection", "kept alive"])
def test_a_trickled_head_is_cut_off_at_its_deadline(quick_port: int, first: bool) -> None:
    with Client(quick_port) as client:
        if first:  # a request answered on this connection before the slow one
            client.send(head(0, path="/", close=False))
            assert_ok(client.answer())
        trickle(client, head(200, path="/"))
        answer = client.answer()
        assert answer is not None and answer.status == 408, answer
        assert answer.headers["connection"] == "close"
        assert client.closed()


def test_a_silent_connection_is_closed(quick_port: int) -> None:
    with Client(quick_port) as client:
        assert client.closed()  # a TimeoutError if it stayed open


def test_the_deadline_spares_long_answers_and_idle_keep_alive(quick_port: int) -> None:
    with Client(quick_port) as client:
        client.send(head(0, path="/stream", close=False))
        streamed = client.answer()
        assert_ok(streamed)
        assert streamed is not None and streamed.body.count(b"tick") == 6
        time.sleep(1.0)  # idle for two head deadlines, within the keep-alive timeout
        client.send(head(0, path="/"))
        assert_ok(client.answer())
