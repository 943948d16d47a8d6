"""The WordPress reader: what a real export reads into, and what a hostile one cannot do."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from comments.importing import wordpress
from comments.importing.records import ImportFailed, SourcePost, SourceThread
from tests.importing.make_wordpress import cdata, write_large, write_sample

ROOT = Path(__file__).resolve().parents[2]


def _one_comment(path: Path, *, comment: str = "", item: str = "", doctype: str = "") -> Path:
    """A one-post export whose comment fields (and item fields) can be replaced."""
    body = comment or _fields(comment_type="comment", comment_parent="0", comment_user_id="0")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{doctype}"
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">\n'
        "<channel>\n<item>\n"
        f"{item or '<title>T</title><link>https://blog.example.org/t/</link>'}\n"
        "<wp:post_id>1</wp:post_id><wp:comment_status>open</wp:comment_status>"
        "<wp:post_type>post</wp:post_type>\n"
        f"<wp:comment>\n{body}</wp:comment>\n"
        "</item>\n</channel>\n</rss>\n",
        encoding="utf-8",
    )
    return path


def _fields(**changes: str) -> str:
    base = {
        "comment_id": "7",
        "comment_author": cdata("Bob"),
        "comment_date": "2024-05-01 12:00:00",
        "comment_date_gmt": "2024-05-01 10:00:00",
        "comment_content": cdata("<p>Hi</p>"),
        "comment_approved": "1",
    }
    base.update(changes)
    return "".join(f"<wp:{k}>{v}</wp:{k}>\n" for k, v in base.items())


def _posts(path: Path) -> list[SourcePost]:
    return [r for r in wordpress.read(path) if isinstance(r, SourcePost)]


@pytest.mark.parametrize("version", ["1.2", "1.1"])
def test_sample_reads_into_the_expected_records_in_file_order(tmp_path: Path, version: str) -> None:
    expected = write_sample(tmp_path / "export.xml", version=version)
    reader = wordpress.Reader(tmp_path / "export.xml")

    assert list(reader.read()) == expected.records
    assert reader.skipped == expected.skipped


def test_sample_details_a_moderator_would_check(tmp_path: Path) -> None:
    write_sample(tmp_path / "export.xml")
    records = list(wordpress.read(tmp_path / "export.xml"))
    threads = {r.source_id: r for r in records if isinstance(r, SourceThread)}
    posts = {r.source_id: r for r in records if isinstance(r, SourcePost)}

    # Posts and pages are threads; the attachment and the menu item are not.
    assert sorted(threads) == ["1", "2", "5"]
    assert threads["2"].closed and not threads["1"].closed
    assert threads["1"].url == "https://blog.example.org/2024/01/hello-world/"
    assert threads["1"].key is None
    # Pingback 14, trackback 19 and the comment on the attachment (22) are left out.
    assert not {"14", "19", "22"} & posts.keys()
    assert posts["13"].parent_source_id == "12" and posts["12"].parent_source_id == "11"
    assert posts["11"].parent_source_id is None
    assert [posts[i].state for i in ("12", "13", "15", "16")] == [
        "approved",
        "pending",
        "spam",
        "deleted",
    ]
    # GMT wins over the site's local time; a zeroed GMT falls back to local, as UTC.
    assert posts["11"].created_at == datetime(2024, 1, 16, 7, 0, tzinfo=UTC)
    assert posts["18"].created_at == datetime(2024, 1, 18, 12, 30, tzinfo=UTC)
    assert posts["11"].author.name == "Анна Петрова" and "Спасибо" in posts["11"].body
    assert posts["12"].author.key == "3"  # a registered user is known by their id
    assert posts["13"].author.key == "Bob"  # a guest by their name
    assert posts["20"].author.key == "" and posts["20"].author.email is None
    assert "<script>" in posts["17"].body and "]]> still inside" in posts["17"].body
    assert all(p.body_format == "html" for p in posts.values())
    lines = (tmp_path / "export.xml").read_text(encoding="utf-8").splitlines()
    assert all(lines[p.line - 1].strip() == "<wp:comment>" for p in posts.values() if p.line)


def test_thread_fields_written_after_the_comments_still_come_first(tmp_path: Path) -> None:
    expected = write_sample(tmp_path / "export.xml", header_last=True)

    assert list(wordpress.read(tmp_path / "export.xml")) == expected.records


def test_unknown_comment_types_are_counted_and_unknown_states_wait(tmp_path: Path) -> None:
    path = _one_comment(tmp_path / "x.xml", comment=_fields(comment_type="order_note"))
    reader = wordpress.Reader(path)
    assert [type(r) for r in reader.read()] == [SourceThread]
    assert reader.skipped == {"order_note": 1}

    path = _one_comment(tmp_path / "y.xml", comment=_fields(comment_approved="maybe"))
    assert [p.state for p in _posts(path)] == ["pending"]


def test_sniff_tells_a_wordpress_export_from_other_files(tmp_path: Path) -> None:
    write_sample(tmp_path / "export.xml")
    head = (tmp_path / "export.xml").read_bytes()[:4096]

    assert wordpress.sniff(head)
    assert not wordpress.sniff(b'<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com">')
    assert not wordpress.sniff(b'<rss version="2.0"><channel><title>x</title>')
    assert not wordpress.sniff(b'{"id": "1", "text": "hi"}\n')


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    write_sample(tmp_path / "export.xml")
    lines = (tmp_path / "export.xml").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = next(n for n, line in enumerate(lines) if "<wp:comment_id>13<" in line)
    lines[broken] = lines[broken].replace("</wp:comment_id>", "</wp:comment_idd>")
    (tmp_path / "export.xml").write_text("".join(lines), encoding="utf-8")

    with pytest.raises(ImportFailed, match=rf"^line {broken + 1}: malformed XML"):
        list(wordpress.read(tmp_path / "export.xml"))


def test_external_entity_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = _one_comment(
        tmp_path / "xxe.xml",
        doctype='<!DOCTYPE rss [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n',
        comment=_fields(comment_content="&e;"),
    )
    with pytest.raises(ImportFailed, match=r"^line 2: the DOCTYPE declares entities"):
        next(wordpress.read(path))


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">\n' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    path = _one_comment(
        tmp_path / "lol.xml",
        doctype=f"<!DOCTYPE rss [\n{entities}]>\n",
        comment=_fields(comment_content="&lol9;"),
    )
    with pytest.raises(ImportFailed, match=r"^line 3: the DOCTYPE declares entities"):
        list(wordpress.read(path))


def test_a_doctype_without_entities_is_fine(tmp_path: Path) -> None:
    path = _one_comment(tmp_path / "x.xml", doctype="<!DOCTYPE rss>\n")
    assert [p.source_id for p in _posts(path)] == ["7"]


def test_other_formats_are_named(tmp_path: Path) -> None:
    disqus = tmp_path / "disqus.xml"
    disqus.write_text('<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com"></disqus>\n')
    feed = tmp_path / "feed.xml"
    feed.write_text('<rss version="2.0"><channel><title>News</title></channel></rss>\n')
    remark = tmp_path / "remark42.json"
    remark.write_text('{"version": 1, "users": []}\n')
    isso = tmp_path / "isso.db"
    sqlite3.connect(isso).execute("CREATE TABLE comments (id INTEGER)").connection.commit()
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")

    for path, says in [
        (disqus, "looks like a Disqus export"),
        (feed, "RSS feed without WordPress's wp: namespace"),
        (remark, "looks like JSON"),
        (isso, "SQLite database"),
        (empty, "empty"),
    ]:
        with pytest.raises(ImportFailed, match=says):
            list(wordpress.read(path))


def test_a_five_megabyte_body_is_yielded_whole(tmp_path: Path) -> None:
    body = "<p>" + "спам " * 1_000_000 + "</p>"
    path = _one_comment(tmp_path / "big.xml", comment=_fields(comment_content=cdata(body)))

    assert [p.body for p in _posts(path)] == [body]


def test_a_five_megabyte_name_is_cut_and_a_long_url_dropped(tmp_path: Path) -> None:
    path = _one_comment(
        tmp_path / "big.xml",
        comment=_fields(
            comment_author=cdata("Я" * 2_500_000),  # 5 MB of UTF-8
            comment_author_url="https://example.com/" + "a" * 3000,
        ),
        item="<title>" + "T" * 5_000_000 + "</title><link>https://blog.example.org/t/</link>",
    )
    records = list(wordpress.read(path))
    thread, post = records
    assert isinstance(thread, SourceThread) and isinstance(post, SourcePost)
    assert thread.title == "T" * 300
    assert post.author.name == "Я" * 80 and post.author.key == "Я" * 80
    assert post.author.url is None


def test_a_five_megabyte_id_is_refused_naming_element_and_line(tmp_path: Path) -> None:
    path = _one_comment(tmp_path / "big.xml", comment=_fields(comment_id="9" * 5_000_000))
    with pytest.raises(ImportFailed, match=r"^line 8: wp:comment_id is over 200 characters"):
        list(wordpress.read(path))

    long_link = "<title>T</title><link>https://blog.example.org/" + "x" * 3000 + "</link>"
    path = _one_comment(tmp_path / "link.xml", item=long_link)
    with pytest.raises(ImportFailed, match=r"^line 5: link is over 2048 characters"):
        list(wordpress.read(path))


def test_an_unparseable_date_names_element_and_line(tmp_path: Path) -> None:
    path = _one_comment(tmp_path / "x.xml", comment=_fields(comment_date_gmt="yesterday"))
    with pytest.raises(ImportFailed, match=r"^line 11: wp:comment_date_gmt 'yesterday'"):
        list(wordpress.read(path))

    no_dates = _fields(comment_date="", comment_date_gmt="0000-00-00 00:00:00")
    path = _one_comment(tmp_path / "y.xml", comment=no_dates)
    with pytest.raises(ImportFailed, match=r"^line 7: wp:comment has no date"):
        list(wordpress.read(path))


def test_reading_a_fifty_megabyte_export_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "large.xml"
    threads, comments = write_large(path, comments=36_000)
    assert path.stat().st_size > 50_000_000
    # A fresh interpreter, so the peak measured is the reading's alone.
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from comments.importing.wordpress import read\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "count = sum(1 for _ in read(Path(sys.argv[1])))\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(count, (after - before) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    count, grown_mb = map(int, done.stdout.split())

    assert count == threads + comments
    assert grown_mb < 60
