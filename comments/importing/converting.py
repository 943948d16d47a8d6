"""Imported bodies to markdown and safe HTML, in a second process once a file is large.

Converting (HTML to markdown) and rendering (markdown to sanitised HTML) are most of an
import's CPU after parsing the file. Done while the file is read, in a worker process,
they cost the import no time on a machine with a second core. Small files, which are
most of them, stay in this process: a worker takes a moment to start.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache

from comments.importing.html_text import markdown_from_html
from comments.models import MAX_BODY
from comments.render import Renderer

PARALLEL_AFTER = 5_000  # posts read before the worker starts

Body = tuple[str, str]  # the source's body, its format (html, markdown, text)
Converted = tuple[str, str]  # markdown source, safe HTML ("" when there is nothing to show)


def convert(bodies: Sequence[Body], renderer: Renderer | None = None) -> list[Converted]:
    """Each body's markdown and HTML; a body over the limit is not rendered (its thread
    is skipped for it later)."""
    renderer = renderer or _renderer()
    # Two passes, not one body at a time: alternating between lxml's parser and the
    # markdown renderer made each body half as slow again (measured: 52 µs, not 78).
    sources = [markdown_source(body, body_format) for body, body_format in bodies]
    return [
        (source, renderer.render(source) if source and len(source) <= MAX_BODY else "")
        for source in sources
    ]


def markdown_source(body: str, body_format: str) -> str:
    """The body as markdown source: HTML is converted (scripts and styles dropped)."""
    return markdown_from_html(body) if body_format == "html" else body.strip()


def _watch(parent: int) -> None:
    """In the worker: end when the import does. A worker holds its own queue's pipe open,
    so an import killed outright (SIGKILL) would leave it waiting for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="import-watch", daemon=True).start()


@cache
def _renderer() -> Renderer:
    """The worker's renderer, built once in that process (its parsers take a moment)."""
    return Renderer()


class Converter:
    """Converts chunks of bodies: here at first, in a worker once the file proves large
    (and here again should the worker not start or die)."""

    def __init__(self, renderer: Renderer, parallel_after: int | None = None) -> None:
        self._renderer = renderer
        self._parallel_after = PARALLEL_AFTER if parallel_after is None else parallel_after
        self._seen = 0
        self._pool: ProcessPoolExecutor | None = None
        self._failed = False

    def submit(self, bodies: Sequence[Body]) -> Future[list[Converted]]:
        """The chunk's conversion, under way or done."""
        self._seen += len(bodies)
        if self._pool is None and not self._failed and self._seen > self._parallel_after:
            try:
                self._pool = ProcessPoolExecutor(
                    1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_watch,
                    initargs=(os.getpid(),),
                )
            except (OSError, NotImplementedError):  # no semaphores here: convert in-process
                self._failed = True
        if self._pool is not None:
            try:
                return self._pool.submit(convert, list(bodies))
            except (BrokenProcessPool, RuntimeError, OSError):
                self._stop()
        here: Future[list[Converted]] = Future()
        here.set_result(convert(bodies, self._renderer))
        return here

    def result(self, bodies: Sequence[Body], pending: Future[list[Converted]]) -> list[Converted]:
        """The chunk converted; done here if its worker died."""
        try:
            return pending.result()
        except (BrokenProcessPool, OSError):
            self._stop()
            return convert(bodies, self._renderer)

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def _stop(self) -> None:
        self._failed = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
