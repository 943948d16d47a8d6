"""Bodies converted in a worker process equal those converted here, and an import whose
worker dies goes on converting here."""

from __future__ import annotations

import os
import signal

from comments.importing.converting import Converter, convert
from comments.render import Renderer

BODIES = [
    ("<p>Hello <b>there</b> <a href='https://example.com/x'>link</a></p>", "html"),
    ("<p>deep</p><script>alert(1)</script><img src=x onerror=alert(1)>", "html"),
    ("[click](javascript:alert(1)) and **bold**", "markdown"),
    ("  plain text, кириллица  ", "text"),
    ("", "html"),
]


def test_a_worker_converts_exactly_as_this_process_does() -> None:
    converter = Converter(Renderer(), parallel_after=0)
    try:
        pending = converter.submit(BODIES)
        assert converter.parallel
        got = converter.result(BODIES, pending)
    finally:
        converter.close()
    assert got == convert(BODIES, Renderer())
    assert "script" not in got[1][1] and "onerror" not in got[1][1]
    assert "href" not in got[2][1]  # left as text, never a link


def test_a_worker_that_dies_leaves_the_conversion_to_this_process() -> None:
    converter = Converter(Renderer(), parallel_after=0)
    try:
        converter.result(BODIES, converter.submit(BODIES))  # the worker is up
        pool = converter._pool
        assert pool is not None
        for pid in list(pool._processes):  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
        got = converter.result(BODIES, converter.submit(BODIES))
        assert got == convert(BODIES, Renderer())
        assert not converter.parallel  # and it stays here for the rest of the file
        assert converter.result(BODIES, converter.submit(BODIES)) == got
    finally:
        converter.close()
