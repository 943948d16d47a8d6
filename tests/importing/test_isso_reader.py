"""Reading Isso databases that Isso itself wrote."""

from __future__ import annotations

import sqlite3
import tracemalloc
from datetime import UTC
from pathlib import Path

import pytest

from comments.importing import isso
from comments.importing.records import ImportFailed, SourcePost, SourceThread
from tests.importing import make_isso, make_remark42


@pytest.fixture
def sample(tmp_path: Path) -> tuple[Path, make_isso.Expected]:
    path = tmp_path / "comments.db"
    return path, make_isso.write_sample(path)


def _posts(path: Path) -> dict[str, SourcePost]:
    return {r.source_id: r for r in isso.read(path) if isinstance(r, SourcePost)}


def _change(path: Path, sql: str, *args: object) -> None:
    """Damage a database the way a hand edit or a broken tool would."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(sql, args)
    connection.close()


def test_sample_reads_into_threads_then_posts(sample: tuple[Path, make_isso.Expected]) -> None:
    path, expected = sample
    records = list(isso.read(path))
    threads = [r for r in records if isinstance(r, SourceThread)]
    posts = [r for r in records if isinstance(r, SourcePost)]
    assert records[: len(threads)] == threads  # every thread before any post
    assert {t.source_id: (t.url, t.title) for t in threads} == expected.threads
    assert all(t.key == t.url for t in threads)
    assert [p.source_id for p in posts] == sorted(expected.posts, key=int)
    for post in posts:
        want = expected.posts[post.source_id]
        assert post.thread_source_id == want.thread
        assert post.parent_source_id == want.parent
        assert post.state == want.state
        assert (post.author.key, post.author.name) == (want.author, want.author)
        assert post.likes == want.likes
        assert post.body == want.body
        assert post.body_format == "markdown"
        assert post.created_at == want.created_at
        assert post.created_at.tzinfo == UTC


def test_isso_flattening_and_deletions_are_read_as_stored(
    sample: tuple[Path, make_isso.Expected],
) -> None:
    path, expected = sample
    posts = _posts(path)
    reply_to_reply = next(p for p in posts.values() if p.body.startswith("> Where"))
    top = next(p for p in posts.values() if p.likes == 2)
    assert reply_to_reply.parent_source_id == top.source_id
    # Removed outright by Isso: neither the comments nor the thread left empty appear.
    assert not {p.body for p in posts.values()} & expected.removed
    assert "/drafts/withdrawn/" not in {
        r.url for r in isso.read(path) if isinstance(r, SourceThread)
    }
    placeholder = next(p for p in posts.values() if p.state == "deleted")
    assert placeholder.body == ""
    assert placeholder.author.email is None  # Isso left Carl's address in the row
    assert any(p.parent_source_id == placeholder.source_id for p in posts.values())


def test_authors_keep_their_address_and_site(sample: tuple[Path, make_isso.Expected]) -> None:
    path, _ = sample
    anna = next(p for p in _posts(path).values() if p.likes == 2).author
    assert anna.email == "anna@example.org"
    assert anna.url == "https://anna.example.org/"
    anonymous = next(p for p in _posts(path).values() if p.state == "pending").author
    assert (anonymous.key, anonymous.name, anonymous.email) == ("", "", None)


def test_sniff_knows_sqlite_from_xml(sample: tuple[Path, make_isso.Expected]) -> None:
    path, _ = sample
    assert isso.sniff(path.read_bytes()[:4096])
    assert not isso.sniff(b'<?xml version="1.0"?><rss/>')


def test_wordpress_export_is_refused_as_xml(tmp_path: Path) -> None:
    path = tmp_path / "wordpress.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>\n'
    )
    with pytest.raises(ImportFailed, match=r"not an Isso database.*an XML file"):
        list(isso.read(path))


def test_remark42_backup_is_refused_as_json(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    make_remark42.write_sample(path)
    with pytest.raises(ImportFailed, match=r"not an Isso database.*JSON"):
        list(isso.read(path))


def test_other_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(ImportFailed, match="without Isso's threads and comments"):
        list(isso.read(path))


def test_damaged_database_is_refused(sample: tuple[Path, make_isso.Expected]) -> None:
    path, _ = sample
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFailed, match="cannot read"):
        list(isso.read(path))


def test_unparseable_created_names_the_comment(sample: tuple[Path, make_isso.Expected]) -> None:
    path, _ = sample
    _change(path, "UPDATE comments SET created = 'yesterday' WHERE id = 2")
    with pytest.raises(
        ImportFailed, match=r"comment 2: created is not a Unix time \('yesterday'\)"
    ):
        list(isso.read(path))


def test_unknown_mode_names_the_comment(sample: tuple[Path, make_isso.Expected]) -> None:
    path, _ = sample
    _change(path, "UPDATE comments SET mode = 3 WHERE id = 4")
    with pytest.raises(ImportFailed, match="comment 4: mode 3"):
        list(isso.read(path))


def test_megabyte_body_is_yielded_and_megabyte_name_cut(
    sample: tuple[Path, make_isso.Expected],
) -> None:
    path, _ = sample
    body = "ж" * 5_000_000
    _change(path, "UPDATE comments SET text = ?, author = ? WHERE id = 1", body, "n" * 5_000_000)
    first = _posts(path)["1"]
    assert first.body == body
    assert first.author.name == "n" * 80


def test_megabyte_website_is_dropped_not_cut(sample: tuple[Path, make_isso.Expected]) -> None:
    path, _ = sample
    _change(path, "UPDATE comments SET website = ? WHERE id = 1", "https://x/" + "a" * 5_000_000)
    assert _posts(path)["1"].author.url is None


def test_large_database_reads_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.db"
    make_isso.write_large(path, comments=60_000)
    assert path.stat().st_size > 45_000_000
    count = 0
    tracemalloc.start()
    try:
        for record in isso.read(path):
            count += isinstance(record, SourcePost)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 60_000
    assert peak < 30_000_000
