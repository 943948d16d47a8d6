"""`comments import FORMAT FILE --site S` from the command line, for every format, on
SQLite and PostgreSQL: what it prints, what readers then see, and that a second run
adds nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from comments.cli import main
from comments.importing.records import SourcePost, SourceThread
from tests.harness import Harness
from tests.importing import make_disqus, make_isso, make_remark42, make_wordpress

SAMPLES: dict[str, tuple[Callable[[Path], Any], str]] = {
    "disqus": (make_disqus.write_sample, "export.xml"),
    "wordpress": (make_wordpress.write_sample, "export.xml"),
    "isso": (make_isso.write_sample, "isso.db"),
    "remark42": (make_remark42.write_sample, "backup.jsonl"),
}
ORIGIN = "https://imported.example"


def _plan(fmt: str, path: Path) -> tuple[set[str], int]:
    """The sample's origins, and how many of its comments have their thread in the file."""
    reader = importlib.import_module(f"comments.importing.{fmt}")
    threads: set[str] = set()
    origins = {ORIGIN}
    posts: list[SourcePost] = []
    for record in reader.read(path):
        if isinstance(record, SourceThread):
            threads.add(record.source_id)
            parts = urlsplit(record.url)
            if parts.scheme:
                origins.add(f"{parts.scheme}://{parts.netloc}")
        else:
            posts.append(record)
    return origins, sum(1 for p in posts if p.thread_source_id in threads)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_each_format_imports_from_the_command_line_once(
    fmt: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    write, name = SAMPLES[fmt]
    path = tmp_path / name
    write(path)
    origins, expected = _plan(fmt, path)
    with Harness.start(database_url) as h:
        h.run(lambda s: s.sites.create("imported", sorted(origins)))
    monkeypatch.setenv("COMMENTS_DATABASE_URL", database_url)

    assert main(["import", fmt, str(path), "--site", "imported", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "would import: " in dry and f", {expected:,} comments" in dry, dry

    assert main(["import", fmt, str(path), "--site", "imported"]) == 0
    said = capsys.readouterr()
    assert f", {expected:,} comments" in said.out, said.out
    assert "writing:" in said.err  # the progress, on stderr (plain lines: not a terminal)
    assert main(["import", fmt, str(path), "--site", "imported"]) == 0
    again = capsys.readouterr().out
    assert "imported: 0 threads, 0 comments" in again
    assert f"{expected:,} comments were there already" in again


def test_a_file_of_another_format_is_refused_by_name(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "export.xml"
    make_wordpress.write_sample(path)
    with Harness.start(sqlite_url):
        pass
    monkeypatch.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    assert main(["import", "disqus", str(path), "--site", "news"]) == 1
    err = capsys.readouterr().err
    assert "import failed, nothing written" in err and "not a disqus export" in err
    assert main(["import", "disqus", str(tmp_path / "none.xml"), "--site", "news"]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_bad_options_are_named(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "export.xml"
    make_disqus.write_sample(path)
    mapping = tmp_path / "map.csv"
    mapping.write_text("only-one-column\n", encoding="utf-8")
    with Harness.start(sqlite_url):
        pass
    monkeypatch.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    assert main(["import", "disqus", str(path), "--site", "news", "--map-url", "nothing"]) == 1
    assert "--map-url 'nothing': must be OLD=NEW" in capsys.readouterr().err
    code = main(["import", "disqus", str(path), "--site", "news", "--map-thread", str(mapping)])
    assert code == 1 and "line 1: must be two columns" in capsys.readouterr().err
