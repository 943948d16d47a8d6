"""Reading a Disqus export into records: the sample's odd cases, hostile and broken files,
and a large export read in bounded memory."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from comments.importing import disqus
from comments.importing.records import (
    MAX_BODY_IN,
    MAX_SOURCE_ID,
    ImportFailed,
    Record,
    SourcePost,
    SourceThread,
)
from tests.importing.make_disqus import (
    ANNA,
    Author,
    Expected,
    document,
    post_element,
    thread_element,
    write_large,
    write_sample,
)

MB = 1024 * 1024
THREAD = thread_element("7001001", identifier="article-42", link="https://e.example/a", title="A")


@pytest.fixture
def sample(tmp_path: Path) -> tuple[Path, Expected]:
    path = tmp_path / "export.xml"
    return path, write_sample(path)


def posts(records: list[Record]) -> dict[str, SourcePost]:
    return {r.source_id: r for r in records if isinstance(r, SourcePost)}


def read_text(tmp_path: Path, text: str | bytes) -> list[Record]:
    path = tmp_path / "export.xml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return list(disqus.read(path))


def one_post(
    *,
    message: str = "<p>hi</p>",
    author: Author = ANNA,
    created: str = "2013-01-11T10:00:00Z",
    parent: str | None = None,
) -> str:
    """An export of one thread and one post in it."""
    element = post_element(
        "900001", thread="7001001", message=message, author=author, created=created, parent=parent
    )
    return document(THREAD, element)


def test_sample_reads_into_the_records_it_holds_in_file_order(
    sample: tuple[Path, Expected],
) -> None:
    path, expected = sample
    records = list(disqus.read(path))
    assert records == expected.records
    assert sum(isinstance(r, SourceThread) for r in records) == expected.threads
    assert len(posts(records)) == expected.posts


def test_thread_key_is_the_publishers_identifier_else_none(
    sample: tuple[Path, Expected],
) -> None:
    threads = {r.source_id: r for r in disqus.read(sample[0]) if isinstance(r, SourceThread)}
    assert threads["7001001"].key == "article-42"
    assert threads["7001001"].url == "https://news.example.com/2013/01/budget-vote/"
    assert threads["7001002"].key is None  # <id /> empty: the writer keys it by URL path
    assert threads["7001002"].title == "Киевское метро: новая линия"
    assert threads["7001002"].closed
    assert threads["7001003"].title == "Q&A <live>"
    assert threads["7001003"].url == "https://news.example.com/q-and-a/?ref=home&page=2"


def test_replies_orphans_and_states_are_yielded_as_the_file_has_them(
    sample: tuple[Path, Expected],
) -> None:
    path, expected = sample
    records = list(disqus.read(path))
    order = [r.source_id for r in records if isinstance(r, SourcePost)]
    by_id = posts(records)
    assert order.index(expected.early_reply) < order.index(expected.early_parent)
    assert by_id[expected.early_reply].parent_source_id == expected.early_parent
    chain = expected.chain
    assert by_id[chain[0]].parent_source_id is None
    for parent, reply in itertools.pairwise(chain):
        assert by_id[reply].parent_source_id == parent
    assert len(chain) == 5  # a root and four levels of replies
    assert by_id[expected.orphan].thread_source_id == "7009999"
    assert by_id[expected.deleted].state == "deleted"
    assert by_id[expected.spam].state == "spam"  # deleted too, but spam says more
    assert by_id[expected.cyrillic].state == "approved"


def test_bodies_stay_the_source_html_for_the_writer_to_clean(
    sample: tuple[Path, Expected],
) -> None:
    path, expected = sample
    by_id = posts(list(disqus.read(path)))
    assert all(p.body_format == "html" for p in by_id.values())
    assert by_id[expected.chain[0]].body == (
        '<p>Good <b>point</b>, see <a href="https://example.org/report" rel="nofollow">'
        "the report</a>.</p>"
    )
    assert "<script>fetch(" in by_id[expected.hostile].body
    assert by_id[expected.cdata].body == "<p>Inside <b>CDATA</b> & unescaped <i>markup</i></p>"
    assert "«Золотые ворота»" in by_id[expected.cyrillic].body


def test_authors_keyed_by_username_else_name_and_anonymous_by_nothing(
    sample: tuple[Path, Expected],
) -> None:
    path, expected = sample
    by_id = posts(list(disqus.read(path)))
    anna = by_id[expected.chain[0]].author
    assert (anna.key, anna.name, anna.email) == ("anna_k", "Anna Kowalska", "anna@example.org")
    guest = by_id[expected.anonymous].author
    assert (guest.key, guest.name, guest.email) == ("", "Guest reader", None)
    chris = by_id[expected.no_username].author
    assert (chris.key, chris.name) == ("Chris", "Chris")
    assert by_id[expected.cyrillic].author.name == "Олег Петренко"


def test_dates_are_utc_whatever_zone_the_file_writes(sample: tuple[Path, Expected]) -> None:
    path, expected = sample
    by_id = posts(list(disqus.read(path)))
    assert by_id[expected.chain[0]].created_at == datetime(2013, 1, 11, 10, 0, tzinfo=UTC)
    assert by_id[expected.cyrillic].created_at == datetime(2013, 2, 2, 13, 30, tzinfo=UTC)
    assert by_id[expected.naive_date].created_at == datetime(2013, 1, 15, 8, 30, tzinfo=UTC)
    assert all(p.created_at.utcoffset() is not None for p in by_id.values())


def test_each_post_names_the_line_of_its_start_tag(sample: tuple[Path, Expected]) -> None:
    path, _ = sample
    lines = path.read_text(encoding="utf-8").splitlines()
    for post in posts(list(disqus.read(path))).values():
        assert post.line is not None
        assert lines[post.line - 1].strip() == f'<post dsq:id="{post.source_id}">'


def test_sniff_tells_a_disqus_export_from_another(sample: tuple[Path, Expected]) -> None:
    assert disqus.sniff(sample[0].read_bytes()[:4096])
    wxr = b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel/>'
    assert not disqus.sniff(wxr)


def test_malformed_xml_names_its_line(tmp_path: Path) -> None:
    text = one_post().replace("</isSpam>", "</isSpm>", 1)
    line = text[: text.index("</isSpm>")].count("\n") + 1
    with pytest.raises(ImportFailed, match=rf"^line {line}: malformed XML"):
        read_text(tmp_path, text)


def test_truncated_file_fails_not_half_read(tmp_path: Path) -> None:
    text = one_post()
    with pytest.raises(ImportFailed, match=r"^line \d+: malformed XML"):
        read_text(tmp_path, text[: len(text) // 2])


def test_external_entity_is_refused_unread(tmp_path: Path) -> None:
    text = one_post(message="&e;").replace(
        "?>\n", '?>\n<!DOCTYPE disqus [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n', 1
    )
    text = text.replace("&amp;e;", "&e;")
    with pytest.raises(ImportFailed, match=r"^line 2: the DOCTYPE declares entities") as info:
        read_text(tmp_path, text)
    assert "root:" not in str(info.value)


def test_an_external_dtd_is_refused_unfetched(tmp_path: Path) -> None:
    text = one_post().replace(
        "?>\n", '?>\n<!DOCTYPE disqus SYSTEM "http://attacker.example/x.dtd">\n', 1
    )
    with pytest.raises(ImportFailed, match=r"^line 2: the DOCTYPE declares .* an external DTD"):
        read_text(tmp_path, text)


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(1, 10)).replace(
        "&lol0;", "lol"
    )
    text = one_post(message="x").replace("?>\n", f"?>\n<!DOCTYPE disqus [\n{laughs}]>\n", 1)
    text = text.replace("<message>x</message>", "<message>&lol9;</message>")
    with pytest.raises(ImportFailed, match=r"^line 2: the DOCTYPE declares entities"):
        read_text(tmp_path, text)


def test_entities_declared_past_the_first_kilobytes_are_refused_too(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * 8000 + " -->\n"
    text = one_post(message="x").replace(
        "?>\n", f'?>\n{padding}<!DOCTYPE disqus [<!ENTITY e "{"y" * 10}">]>\n', 1
    )
    text = text.replace("<message>x</message>", "<message>&e;</message>")
    with pytest.raises(ImportFailed, match=r"the DOCTYPE declares entities"):
        read_text(tmp_path, text)


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        (
            b'<?xml version="1.0"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">'
            b"<channel><item><title>x</title></item></channel></rss>",
            "a WordPress export",
        ),
        (b"SQLite format 3\x00" + b"\x00" * 100, "an SQLite database"),
        (b'{"version": 1, "comments": []}', "JSON"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "a gzip archive"),
        (b"<!DOCTYPE html>\n<html><body><p>Hello", "an HTML page"),
        (b'<?xml version="1.0"?>\n<disqus><thread/></disqus>', "outside the namespace"),
        (b"", "an empty file"),
    ],
)
def test_another_format_is_named_not_misread(
    tmp_path: Path, content: bytes, looks_like: str
) -> None:
    with pytest.raises(ImportFailed, match="not a Disqus export") as info:
        read_text(tmp_path, content)
    assert looks_like in str(info.value)


def test_a_body_of_megabytes_is_yielded_for_the_writer_to_judge(tmp_path: Path) -> None:
    body = "<p>" + "word " * MB + "</p>"
    (post,) = posts(read_text(tmp_path, one_post(message=body))).values()
    assert len(post.body) > MAX_BODY_IN
    assert post.body == body


def test_a_name_of_megabytes_is_cut(tmp_path: Path) -> None:
    author = Author("N" * (5 * MB), "n@example.com")
    (post,) = posts(read_text(tmp_path, one_post(author=author))).values()
    assert post.author.name == "N" * 80
    assert post.author.key == "N" * 80


def test_an_id_of_megabytes_is_refused_naming_element_and_line(tmp_path: Path) -> None:
    text = one_post(parent="9" * (5 * MB))
    line = text[: text.index("<parent")].count("\n") + 1
    with pytest.raises(ImportFailed, match=rf"^line {line}: <parent dsq:id> is \d+ characters"):
        read_text(tmp_path, text)


def test_an_overlong_username_or_thread_id_is_refused(tmp_path: Path) -> None:
    long_id = "u" * (MAX_SOURCE_ID + 1)
    with pytest.raises(ImportFailed, match=r"<author><username> is 201 characters"):
        read_text(tmp_path, one_post(author=Author("U", "u@example.com", long_id)))
    text = document(thread_element(long_id, link="https://e.example/a", title="A"))
    with pytest.raises(ImportFailed, match=r"^line \d+: <thread dsq:id> is 201 characters"):
        read_text(tmp_path, text)


def test_an_overlong_url_is_refused_and_a_title_cut(tmp_path: Path) -> None:
    url = "https://e.example/" + "a" * 3000
    with pytest.raises(ImportFailed, match=r"<link> is \d+ characters, over 2048"):
        read_text(tmp_path, document(thread_element("1", link=url, title="A")))
    (thread,) = read_text(tmp_path, document(thread_element("1", link="/a", title="T" * 999)))
    assert isinstance(thread, SourceThread)
    assert thread.title == "T" * 300


def test_an_unparseable_date_names_the_element_and_line(tmp_path: Path) -> None:
    text = one_post(created="last Tuesday")
    line = text[: text.index("<createdAt>last")].count("\n") + 1
    with pytest.raises(ImportFailed, match=rf"^line {line}: <createdAt> 'last Tuesday'"):
        read_text(tmp_path, text)


def test_a_post_without_a_thread_is_refused(tmp_path: Path) -> None:
    text = one_post().replace('<thread dsq:id="7001001" />', "<thread>1</thread>")
    with pytest.raises(ImportFailed, match=r"<post><thread dsq:id> is missing"):
        read_text(tmp_path, text)


def test_a_post_swollen_with_elements_is_refused(tmp_path: Path) -> None:
    text = one_post(message="").replace(
        "<message></message>", "<message>" + "<b/>" * 5000 + "</message>"
    )
    with pytest.raises(ImportFailed, match=r"holds more than 1000"):
        read_text(tmp_path, text)


_READ_AND_MEASURE = """
import resource, sys
from pathlib import Path
from comments.importing.disqus import read
count, last = 0, None
for record in read(Path(sys.argv[1])):
    count += 1
    last = record
print(count, last.source_id, last.line, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(path: Path) -> tuple[int, str, int, int]:
    """Read the file in a fresh interpreter: its peak memory is the reading's alone."""
    out = subprocess.run(
        [sys.executable, "-c", _READ_AND_MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    return int(out[0]), out[1], int(out[2]), int(out[3]) * 1024


def test_a_50_mb_export_reads_in_bounded_memory(
    tmp_path: Path, sample: tuple[Path, Expected]
) -> None:
    large = tmp_path / "large.xml"
    written = write_large(large, comments=64_000)
    assert large.stat().st_size > 50 * MB
    small_peak = measure(sample[0])[3]
    count, last, line, peak = measure(large)
    assert count == written.threads + written.posts
    assert (last, line) == (written.last_post, written.last_post_line)  # past line 65535
    assert peak - small_peak < 60 * MB
