"""A progress line for long imports: items, rate and time left on a terminal (redrawn in
place, at most ten times a second), plain lines every few seconds when not a terminal."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

PLAIN_EVERY = 5.0
REDRAW_EVERY = 0.1


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """One phase's progress (`update` as items go by, `finish` at the end)."""

    def __init__(
        self,
        label: str,
        stream: TextIO,
        *,
        total: int | None = None,
        unit: str = "items",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._label = label
        self._stream = stream
        self._tty = stream.isatty()
        self._total = total
        self._unit = unit
        self._clock = clock
        self._started = clock()
        self._shown = self._started
        self.done = 0

    def line(self) -> str:
        """What the bar says now."""
        elapsed = max(self._clock() - self._started, 1e-9)
        rate = self.done / elapsed
        said = f"{self._label}: {self.done:,}"
        if self._total:
            said += f"/{self._total:,} {self._unit} ({100 * self.done / self._total:.0f}%)"
        else:
            said += f" {self._unit}"
        said += f", {rate:,.0f}/s"
        if self._total and rate > 0 and self.done < self._total:
            said += f", {_duration((self._total - self.done) / rate)} left"
        return said

    def update(self, count: int = 1) -> None:
        """`count` more items done."""
        self.done += count
        now = self._clock()
        if now - self._shown >= (REDRAW_EVERY if self._tty else PLAIN_EVERY):
            self._shown = now
            self._write()

    def _write(self) -> None:
        if self._tty:
            self._stream.write("\r\x1b[2K" + self.line())
        else:
            self._stream.write(self.line() + "\n")
        self._stream.flush()

    def finish(self) -> None:
        """The last figures, on their own line."""
        elapsed = self._clock() - self._started
        text = f"{self._label}: {self.done:,} {self._unit} in {_duration(elapsed)}"
        self._stream.write(("\r\x1b[2K" if self._tty else "") + text + "\n")
        self._stream.flush()
