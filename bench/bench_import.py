"""How fast a Disqus export imports into PostgreSQL, and in how much memory.

Generates a Disqus export of N comments (200,000 by default; `tests/importing/make_disqus.py`),
then, on a throwaway PostgreSQL:

- reading alone: the reader over the file (records a second), the floor for parsing;
- the import: `comments import disqus FILE --site bench` as its own process, timed, its
  peak resident memory read from the kernel (`wait4`), its two phases (staging, writing)
  from its own progress lines;
- the baseline beside it: `COPY` of the same number of comment-shaped rows into a bare
  table with asyncpg, the floor for writing;
- where a comment's CPU goes: HTML to markdown, and markdown to sanitised HTML, per
  comment on a sample of the file's bodies.

    .venv/bin/python bench/bench_import.py [--comments N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import throwaway
from comments.importing import disqus
from comments.importing.converting import markdown_source
from comments.importing.records import SourcePost
from comments.render import Renderer
from tests.importing.make_disqus import write_large

ROOT = Path(__file__).resolve().parents[1]


def comments_cli() -> list[str]:
    return [sys.executable, "-m", "comments"]


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants (the import's worker), in KB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total += int(found.group(1)) if found else 0
        todo += [int(c) for c in children.split()]
    return total


def run_cli(env: dict[str, str], *args: str) -> tuple[float, int, int, str]:
    """Run a `comments` command; answers seconds, peak RSS of the process in KB (from the
    kernel), peak RSS of it and its worker together in KB (sampled), and its output."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [*comments_cli(), *args], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    together = 0
    running = True

    def sample() -> None:
        nonlocal together
        while running:
            together = max(together, _tree_rss_kb(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    running = False
    sampler.join()
    seconds = time.perf_counter() - started
    out = child.stdout.read().decode() if child.stdout else ""
    err = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"`comments {' '.join(args)}` failed:\n{out}\n{err}")
    return seconds, usage.ru_maxrss, together, out + err


async def copy_baseline(url: str, count: int, body: str) -> float:
    """COPY `count` comment-shaped rows into a bare table: the floor for the writes."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(
            "CREATE TABLE copy_floor (id text primary key, site text, thread_id text, "
            "parent_id text, author_id text, body text, html text, status text, "
            "created_at timestamptz)"
        )
        now = datetime.now(UTC)
        rows = [
            (f"{n:026d}", "bench", "t", None, f"import:x:{n % 5000}", body, f"<p>{body}</p>",
             "approved", now)
            for n in range(count)
        ]  # fmt: skip
        started = time.perf_counter()
        await conn.copy_records_to_table("copy_floor", records=rows)
        return time.perf_counter() - started
    finally:
        await conn.close()


def per_comment_cpu(path: Path, sample: int = 2000) -> tuple[float, float, str]:
    """Median-free means, µs a comment: HTML to markdown, then rendering; and one body."""
    posts: list[SourcePost] = []
    for record in disqus.read(path):
        if isinstance(record, SourcePost):
            posts.append(record)
            if len(posts) >= sample:
                break
    renderer = Renderer()
    started = time.perf_counter()
    sources = [markdown_source(p.body, p.body_format) for p in posts]
    convert = (time.perf_counter() - started) / len(posts) * 1e6
    started = time.perf_counter()
    for source in sources:
        renderer.render(source)
    render = (time.perf_counter() - started) / len(posts) * 1e6
    return convert, render, sources[0]


def phase(said: str, name: str) -> float | None:
    found = re.search(
        rf"{name}: [\d,]+ comments in (\d+)m(\d+)s|{name}: [\d,]+ comments in (\d+)s", said
    )
    if not found:
        return None
    if found.group(3) is not None:
        return float(found.group(3))
    return int(found.group(1)) * 60 + float(found.group(2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder, throwaway.postgres() as pg:
        path = Path(folder) / "disqus.xml"
        made = write_large(path, args.comments)
        size = path.stat().st_size
        print(f"export: {made.posts:,} comments in {made.threads:,} threads, {size / 1e6:.0f} MB")

        started = time.perf_counter()
        read = sum(1 for r in disqus.read(path) if isinstance(r, SourcePost))
        reading = time.perf_counter() - started
        print(f"reading alone: {read / reading:,.0f} comments/s ({reading:.1f} s)")

        convert, render, body = per_comment_cpu(path)
        print(f"per comment: HTML to markdown {convert:.0f} µs, rendering {render:.0f} µs")

        env = os.environ | {"COMMENTS_DATABASE_URL": pg, "COMMENTS_LOG_LEVEL": "warning"}
        run_cli(env, "migrate")
        run_cli(env, "sites", "add", "bench", "--origin", "https://news.example.com")
        seconds, peak_kb, together_kb, said = run_cli(
            env, "import", "disqus", str(path), "--site", "bench"
        )
        rate = made.posts / seconds
        print(
            f"import: {rate:,.0f} comments/s ({seconds:.1f} s), peak memory {peak_kb / 1024:.0f} MB"
            f" (with its conversion worker: {together_kb / 1024:.0f} MB)"
        )
        staging, writing = phase(said, "reading"), phase(said, "writing")
        if staging is not None and writing is not None:
            print(f"  staging {staging:.0f} s, writing {writing:.0f} s")
        summary = [line for line in said.splitlines() if line.startswith(("imported", "skipped"))]
        print("  " + "\n  ".join(summary))

        floor = asyncio.run(copy_baseline(pg, made.posts, body))
        floor_rate = made.posts / floor
        print(f"baseline COPY of {made.posts:,} rows: {floor_rate:,.0f} rows/s ({floor:.1f} s)")
        print(f"import / COPY time: {seconds / floor:.1f}x; target 5,000 comments/s: "
              f"{'met' if rate >= 5000 else 'missed'}")  # fmt: skip


if __name__ == "__main__":
    main()
