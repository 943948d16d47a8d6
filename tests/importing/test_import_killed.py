"""An import killed mid-write (SIGKILL, against the real database) leaves only whole
threads, and running it again imports the rest, each comment once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from comments.service import Service
from comments.storage.schema import comments, threads
from tests.harness import Harness
from tests.importing.make_disqus import write_large

ROOT = Path(__file__).resolve().parents[2]
COMMENTS, PER_THREAD = 10_000, 40  # every thread gets exactly 40 (see write_large)


async def per_thread(s: Service) -> Counter[str]:
    async with s.deps.storage._engine.connect() as conn:  # type: ignore[attr-defined]
        rows = await conn.execute(
            select(threads.c.key, func.count(comments.c.id))
            .join(comments, comments.c.thread_id == threads.c.id)
            .where(threads.c.site == "moved")
            .group_by(threads.c.key)
        )
        return Counter({str(key): int(n) for key, n in rows})


def importing(database_url: str, path: Path, *, quiet: bool = False) -> subprocess.Popen[bytes]:
    env = os.environ | {"COMMENTS_DATABASE_URL": database_url, "COMMENTS_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "comments", "import", "disqus", str(path), "--site", "moved"]
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def test_an_import_killed_mid_write_leaves_whole_threads_and_resumes(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "export.xml"
    write_large(path, COMMENTS, per_thread=PER_THREAD)
    with Harness.start(database_url) as h:
        h.run(lambda s: s.sites.create("moved", ["https://news.example.com"]))
        child = importing(database_url, path, quiet=True)
        deadline = time.monotonic() + 120
        written: Counter[str] = Counter()
        while child.poll() is None and time.monotonic() < deadline:
            written = h.run(per_thread)
            if written:  # a batch has committed: kill it in the middle of the rest
                child.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL, "the import ended before it could be killed"

        after_kill = h.run(per_thread)
        total = sum(after_kill.values())
        assert 0 < total < COMMENTS, f"{total:,} comments: the kill came too late to test"
        assert set(after_kill.values()) == {PER_THREAD}, "a thread was left half-imported"

        again = importing(database_url, path)
        out, _ = again.communicate(timeout=180)
        assert again.returncode == 0, out.decode()
        assert f"{COMMENTS - total:,} comments" in out.decode()  # only what was missing
        final = h.run(per_thread)
        assert len(final) == COMMENTS // PER_THREAD
        assert set(final.values()) == {PER_THREAD}
