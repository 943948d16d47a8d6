"""Bodies converted in a worker process equal those converted here, and an import whose
worker dies goes on converting here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from comments.importing.converting import Converter, convert
from comments.render import Renderer

ROOT = Path(__file__).resolve().parents[2]

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


KILLED_PARENT = """
import os, sys, time
from comments.importing.converting import Converter
from comments.render import Renderer

if __name__ == "__main__":
    converter = Converter(Renderer(), parallel_after=0)
    bodies = [("<p>hello</p>", "html")]
    converter.result(bodies, converter.submit(bodies))
    print(" ".join(str(pid) for pid in converter._pool._processes), flush=True)
    time.sleep(120)
"""


def test_an_import_killed_outright_takes_its_worker_with_it(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(KILLED_PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    parent.stdout.close()
    assert workers and all(_alive(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "the worker outlived the killed import"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left
