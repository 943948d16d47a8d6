"""The server's HTTP/1.1 protocol: uvicorn's httptools parser, with a bound on request heads.

httptools (llhttp) parses several times faster than h11 but sets no limit on a request's
head: uvicorn reads a 30 MB header in full, and httptools joins a header's pieces into
one growing bytes object as they arrive. This protocol counts the bytes of each head as
they are fed to the parser, from the message's first byte until its headers are complete,
across reads and pipelined requests. Once a head reaches `HEAD_LIMIT` bytes without
ending, the parser gets no further byte: the client is answered 431 (after the responses
to any requests pipelined ahead of it) and the connection closes.

The parser does not say where in a read a message begins, so reads are fed in slices of
at most `SLICE` bytes and a head that begins inside a slice is counted from the slice's
start. A head that begins a read, as every request from a browser does, is counted
exactly; one pipelined behind other bytes of the same slice may be counted up to `SLICE`
bytes long, and so refused a little before the limit.

A head must also arrive within `head_seconds` of the read that brought its first bytes
(or of the connection's opening): a client trickling its headers one byte at a time holds
no connection for long. The clock starts only for a head that spans reads, so the usual
request, whose head comes in one read, sets no timer.
"""

from __future__ import annotations

import asyncio

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

HEAD_LIMIT = 64 * 1024  # bytes of request line and headers, as h11 was given
SLICE = 8 * 1024  # bytes fed to the parser at once: the error bound of a pipelined count
HEAD_SECONDS = 10.0  # a head's deadline from its first byte (or the connection's opening)
LINGER_SECONDS = 1.0  # reading (and dropping) after a refusal, so the client sees it


def _plain(status: int, text: bytes, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """A whole response with a short plain-text body that ends the connection."""
    lines = [STATUS_LINE[status]]
    for name, value in default_headers:
        lines += [name, b": ", value, b"\r\n"]
    lines += [
        b"content-type: text/plain; charset=utf-8\r\n",
        b"content-length: %d\r\n" % len(text),
        b"connection: close\r\n\r\n",
        text,
    ]
    return b"".join(lines)


class BoundedHttpTools(HttpToolsProtocol):
    """`HttpToolsProtocol` that refuses request heads over `HEAD_LIMIT` bytes with 431 and
    closes connections whose head takes longer than `head_seconds`."""

    head_seconds = HEAD_SECONDS

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, object],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._in_head = False  # between a message's first byte and its headers' end
        self._began = False  # a message began in the slice being fed
        self._head_bytes = 0  # of the head being read (an upper bound, see the module)
        self._refused = False  # answered 431 (or about to): nothing more is parsed
        self._head_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None

    # Connection events

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock: a connection that never sends a head is closed too."""
        super().connection_made(transport)
        self._start_head_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clocks."""
        self._stop_head_clock()
        if self._linger_timer is not None:
            self._linger_timer.cancel()
            self._linger_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Feed the parser slice by slice, counting each head's bytes."""
        if self._refused:
            return  # dropped while lingering: never parsed, never kept
        if not self._in_head and len(data) <= SLICE:
            # The usual read: one whole small request (or several) on an idle connection.
            self._unset_keepalive_if_required()
            self._began = False
            if self._feed(data) and self._in_head:
                self._head_bytes = len(data)  # began in `data`: at most this long so far
                self._start_head_clock()
            return
        self._unset_keepalive_if_required()
        view = memoryview(data)
        start = 0
        while start < len(view):
            room = HEAD_LIMIT - self._head_bytes if self._in_head else SLICE
            piece = view[start : start + min(SLICE, room)]
            start += len(piece)
            self._began = False
            if not self._feed(piece):
                return
            if self._in_head:
                self._head_bytes = len(piece) + (0 if self._began else self._head_bytes)
                if self._head_bytes >= HEAD_LIMIT:
                    self._refuse()
                    return
        if self._in_head:
            self._start_head_clock()

    def _feed(self, data: bytes | memoryview) -> bool:
        """Parse `data`, as uvicorn does; False when the connection is done with."""
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)
            return False
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return False
        return True

    # Parser callbacks

    def on_message_begin(self) -> None:
        """A head starts: count it (and time it, if it does not end in this read)."""
        self._in_head = True
        self._began = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        """The head is whole: it is within the limit, and in time."""
        self._in_head = False
        self._stop_head_clock()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        """Answer a refused head once the requests pipelined ahead of it are answered."""
        waiting = bool(self.pipeline)
        super().on_response_complete()
        if self._refused and not waiting:
            self._answer_431()

    # Refusals

    def _refuse(self) -> None:
        self._refused = True
        self._stop_head_clock()
        self.logger.warning("Request head over %d bytes: refused with 431.", HEAD_LIMIT)
        if self.cycle is None or self.cycle.response_complete:
            self._answer_431()
        else:
            self.flow.pause_reading()  # answered in `on_response_complete`

    def _answer_431(self) -> None:
        self._unset_keepalive_if_required()
        transport = self.transport
        if transport.is_closing():
            return
        text = b"Request header fields too large.\n"
        transport.write(_plain(431, text, self.server_state.default_headers))
        if not transport.can_write_eof():
            transport.close()
            return
        # Closing with the rest of the head unread would reset the connection, and the
        # client could lose the answer: end our side, drop what still comes for a moment.
        transport.write_eof()
        self.flow.resume_reading()
        self._linger_timer = self.loop.call_later(LINGER_SECONDS, transport.close)

    def _start_head_clock(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_seconds, self._head_too_slow)

    def _stop_head_clock(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        """The head did not arrive in time: 408 if it had begun, and close."""
        self._head_timer = None
        transport = self.transport
        if transport.is_closing() or self._refused:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # A response (an event stream) is under way: the head pipelined behind it waits.
            self._start_head_clock()
            return
        if self._in_head:
            text = b"The request head took too long.\n"
            transport.write(_plain(408, text, self.server_state.default_headers))
        self._refused = True
        transport.close()
