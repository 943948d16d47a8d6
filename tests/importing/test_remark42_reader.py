"""Reading Remark42 backups, plain and gzip'd."""

from __future__ import annotations

import gzip
import tracemalloc
from datetime import UTC
from pathlib import Path

import pytest

from comments.importing import remark42
from comments.importing.records import ImportFailed, SourcePost, SourceThread
from tests.importing import make_isso
from tests.importing.make_remark42 import (
    ELECTIONS,
    comment,
    meta,
    user,
    write_large,
    write_lines,
    write_sample,
)


def _posts(path: Path) -> dict[str, SourcePost]:
    return {r.source_id: r for r in remark42.read(path) if isinstance(r, SourcePost)}


def _one(path: Path, **fields: object) -> None:
    """A backup of one comment, its fields as given."""
    record = comment("c1", ELECTIONS, user("Анна", "github_1"), "2024-01-15T10:00:00Z")
    write_lines(path, [meta(), record | fields])


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_sample_reads_into_records(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("backup.gz" if gzipped else "backup.json")
    expected = write_sample(path, gzipped=gzipped)
    records = list(remark42.read(path))
    threads = [r for r in records if isinstance(r, SourceThread)]
    assert {t.url: (t.title, t.closed) for t in threads} == expected.threads
    assert all(t.source_id == t.url == t.key for t in threads)
    seen: set[str] = set()
    for record in records:  # each thread comes before its first post
        if isinstance(record, SourceThread):
            seen.add(record.source_id)
        else:
            assert record.thread_source_id in seen
    posts = [r for r in records if isinstance(r, SourcePost)]
    assert [p.source_id for p in posts] == list(expected.posts)
    for post in posts:
        want = expected.posts[post.source_id]
        assert post.thread_source_id == want.thread
        assert post.parent_source_id == want.parent
        assert post.state == want.state
        assert (post.author.key, post.author.name) == (want.author_key, want.author_name)
        assert (post.body, post.body_format) == (want.body, want.body_format)
        assert post.created_at == want.created_at
        assert post.created_at.tzinfo == UTC
        assert post.line == want.line
        assert post.votes == want.votes
        assert post.likes == want.likes
        assert post.pinned == want.pinned


def test_avatar_is_kept_and_ip_is_not(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    write_sample(path)
    post = next(iter(_posts(path).values()))
    assert post.author.avatar_url == ("https://news.example.org/api/v1/avatar/github_5a1f0c.image")
    assert "6a3c5b2f" not in repr(post)


def test_sniff_sees_through_gzip(tmp_path: Path) -> None:
    path = tmp_path / "backup.gz"
    write_sample(path, gzipped=True)
    assert remark42.sniff(path.read_bytes()[:4096])
    assert not remark42.sniff(b'<?xml version="1.0"?><disqus/>')
    assert not remark42.sniff(b'{"type": "FeatureCollection"}')


def test_wordpress_export_is_refused_as_xml(tmp_path: Path) -> None:
    path = tmp_path / "wordpress.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>\n'
    )
    with pytest.raises(ImportFailed, match=r"not a Remark42 backup.*an XML file"):
        list(remark42.read(path))


def test_isso_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "comments.db"
    make_isso.write_sample(path)
    with pytest.raises(ImportFailed, match=r"not a Remark42 backup.*an SQLite database"):
        list(remark42.read(path))


def test_other_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"type": "FeatureCollection", "features": []}\n')
    with pytest.raises(ImportFailed, match="JSON of another kind"):
        list(remark42.read(path))


def test_backup_without_meta_line_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    record = comment("c1", ELECTIONS, user("Анна", "github_1"), "2024-01-15T10:00:00Z")
    write_lines(path, [record])
    thread, post = remark42.read(path)
    assert isinstance(thread, SourceThread) and thread.url == ELECTIONS
    assert isinstance(post, SourcePost) and (post.source_id, post.line) == ("c1", 1)


def test_unknown_backup_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    write_lines(path, [{"version": 2, "users": [], "posts": []}])
    with pytest.raises(ImportFailed, match="line 1: Remark42 backup version 2"):
        list(remark42.read(path))


def test_broken_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    write_sample(path)
    lines = path.read_text().splitlines(keepends=True)
    lines[3] = lines[3][:40] + "\n"
    path.write_text("".join(lines))
    with pytest.raises(ImportFailed, match=r"line 4: not JSON"):
        list(remark42.read(path))


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backup.gz"
    write_large(path, comments=2_000, gzipped=True)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ImportFailed, match="compressed data is damaged"):
        list(remark42.read(path))


def test_unparseable_time_names_the_comment(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    _one(path, time="15 Jan 2024 10:00")
    with pytest.raises(ImportFailed, match="line 2: comment c1: time '15 Jan 2024 10:00'"):
        list(remark42.read(path))


def test_time_without_offset_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    _one(path, time="2024-01-15T10:00:00")
    with pytest.raises(ImportFailed, match="is not an RFC 3339 date"):
        list(remark42.read(path))


def test_megabyte_body_is_yielded_and_megabyte_name_cut(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    body = "ж" * 5_000_000
    _one(path, orig=body, user=user("n" * 5_000_000, "github_1"))
    post = _posts(path)["c1"]
    assert post.body == body
    assert post.author.name == "n" * 80


def test_megabyte_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    _one(path, id="x" * 5_000_000)
    with pytest.raises(ImportFailed, match="line 2: comment: id is longer than 200"):
        list(remark42.read(path))


def test_megabyte_voter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    _one(path, votes={"v" * 5_000_000: True})
    with pytest.raises(ImportFailed, match="line 2: comment c1: a voter's id is longer"):
        list(remark42.read(path))


def test_line_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    _one(path, orig="a" * (remark42.MAX_LINE + 1))
    with pytest.raises(ImportFailed, match="line 2: longer than 16 MB"):
        list(remark42.read(path))


def test_votes_must_be_up_or_down(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    _one(path, votes={"github_2": 5})
    with pytest.raises(ImportFailed, match="line 2: comment c1: the vote of 'github_2'"):
        list(remark42.read(path))


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_large_backup_reads_in_bounded_memory(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("large.gz" if gzipped else "large.json")
    write_large(path, comments=45_000, gzipped=gzipped)
    with gzip.open(path) if gzipped else path.open("rb") as file:
        assert sum(len(chunk) for chunk in iter(lambda: file.read(1 << 20), b"")) > 45_000_000
    count = 0
    tracemalloc.start()
    try:
        for record in remark42.read(path):
            count += isinstance(record, SourcePost)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 45_000
    assert peak < 30_000_000
