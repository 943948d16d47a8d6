"""Writing an import into a site, from records as any reader yields them, on SQLite and
PostgreSQL: threading, states, idempotency, whole-or-nothing threads, quiet writes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from comments.importing.records import Record, SourceAuthor, SourcePost, SourceThread
from comments.importing.writer import Importer, Options, Summary
from comments.service import Service
from comments.storage.schema import outbox
from tests.harness import ORIGIN, Harness

OLD = "http://old.example"
T0 = datetime(2019, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def post(pid: str, thread: str = "t1", parent: str | None = None, **kw: Any) -> SourcePost:
    values: dict[str, Any] = {
        "source_id": pid,
        "thread_source_id": thread,
        "author": SourceAuthor(key=f"user-{pid}", name=f"Reader {pid}"),
        "created_at": at(int(pid)),
        "body": f"<p>Comment <b>{pid}</b></p>",
        "parent_source_id": parent,
        "line": 100 + int(pid),
    } | kw
    return SourcePost(**values)


def sample() -> list[Record]:
    """Threads first, posts after; a reply before its parent; four levels deep."""
    return [
        SourceThread("t1", f"{ORIGIN}/world/union", "The union", key="union"),
        SourceThread("t2", f"{ORIGIN}/world/other", "Another"),
        post("4", parent="3"),  # its parent comes later in the file
        post("1"),
        post("2", parent="1"),
        post("3", parent="2"),
        post("5", parent="4", body="<p>deep</p><script>alert(1)</script>"),
        post("6", state="spam"),
        post("7", state="deleted", body=""),
        post("8", thread="t2", votes={"v1": 1, "v2": 1, "v3": -1}, pinned=True),
        post("9", thread="missing"),
    ]


@pytest.fixture
def site(database_url: str) -> Iterator[Harness]:
    with Harness.start(database_url, worker="external") as h:
        yield h


def run(h: Harness, records: list[Record], **options: Any) -> Summary:
    chosen = Options(site="news", source="disqus") if not options else Options(
        **({"site": "news", "source": "disqus"} | options)
    )

    async def work(s: Service) -> Summary:
        return await Importer(s, chosen, io.StringIO()).run(iter(records))

    return h.run(work)


def outbox_kinds(h: Harness) -> list[tuple[str, Any]]:
    async def work(s: Service) -> list[tuple[str, Any]]:
        async with s.deps.storage._engine.connect() as conn:  # type: ignore[attr-defined]
            rows = (await conn.execute(select(outbox.c.kind, outbox.c.payload))).all()
        return [(kind, payload) for kind, payload in rows]

    return h.run(work)


def test_threads_nest_at_any_depth_and_only_published_comments_show(site: Harness) -> None:
    summary = run(site, sample())
    assert (summary.threads, summary.comments, summary.existing) == (2, 8, 0)
    assert summary.skipped == {"comments whose thread is not in the file": 1}
    page = site.thread("union")
    assert page["thread"]["title"] == "The union" and page["thread"]["count"] >= 5
    top = page["comments"]
    assert [c["html"] for c in top] == ["<p>Comment <strong>1</strong></p>"]
    chain, node = [], top[0]
    while node["replies"]:
        node = node["replies"][0]
        chain.append(node)
    assert len(chain) >= 2  # nested, down to the site's reply depth
    assert all("script" not in c["html"] for c in chain)
    assert top[0]["author"]["id"] == "import:disqus:user-1"
    assert top[0]["created_at"].startswith("2019-03-01T12:01")
    # Spam is kept, out of view; the deleted one is a tombstone only if it has replies.
    stored = site.run(lambda s: s.deps.storage.get_thread("news", "union"))
    assert stored is not None
    statuses = site.run(lambda s: _statuses(s, stored.id))
    assert statuses["rejected"] == 1 and statuses["deleted"] == 1 and statuses["approved"] == 5
    other = site.thread("/world/other")  # no key in the source: the URL's path
    [voted] = other["comments"]
    assert voted["score"] == 1 and voted["author"]["badges"] is not None


async def _statuses(s: Service, thread_id: str) -> dict[str, int]:
    from comments.storage.schema import comments

    async with s.deps.storage._engine.connect() as conn:  # type: ignore[attr-defined]
        rows = (
            await conn.execute(select(comments.c.status).where(comments.c.thread_id == thread_id))
        ).scalars()
        found: dict[str, int] = {}
        for status in rows:
            found[status] = found.get(status, 0) + 1
    return found


def test_importing_again_adds_nothing_and_a_newer_export_adds_only_what_is_new(
    site: Harness,
) -> None:
    run(site, sample())
    again = run(site, sample())
    assert (again.comments, again.existing, again.threads) == (0, 8, 0)
    newer = run(site, [*sample(), post("10", parent="1", body="A late reply.")])
    assert (newer.comments, newer.existing) == (1, 8)


def test_an_import_is_quiet_and_bumps_each_threads_cache(site: Harness) -> None:
    before = site.thread("union")  # cached now
    assert before["comments"] == []
    run(site, sample())
    kinds = outbox_kinds(site)
    assert {kind for kind, _ in kinds} == {"thread.changed"}
    assert all(payload.get("event") is None for _, payload in kinds)
    assert len(kinds) == 2  # one quiet bump per thread written, kept to retry it
    # The cached page is refreshed at once, before any worker delivers those rows.
    assert site.thread("union")["comments"] != []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"parent_source_id": "5"}, "line 101: its parents form a cycle"),
        ({"created_at": datetime.now(UTC) + timedelta(days=30)}, "line 101: dated in the future"),
        ({"body": "x" * 20_000}, "line 101: a comment of 20,000 characters"),
    ],
)
def test_a_thread_with_a_bad_comment_is_skipped_whole_naming_the_line(
    site: Harness, change: dict[str, Any], reason: str
) -> None:
    records = [replace(r, **change) if isinstance(r, SourcePost) and r.source_id == "1" else r
               for r in sample()]  # fmt: skip
    summary = run(site, records)
    [(said, count)] = [(k, v) for k, v in summary.skipped.items() if k.startswith("thread")]
    assert reason in said and count == 7
    assert site.thread("union")["comments"] == []
    assert summary.comments == 1  # the other thread went in whole


def test_urls_outside_the_sites_origins_are_refused_unless_mapped(site: Harness) -> None:
    moved = [
        replace(r, url=r.url.replace(ORIGIN, OLD)) if isinstance(r, SourceThread) else r
        for r in sample()
    ]
    refused = run(site, moved)
    assert refused.comments == 0
    assert any("is not on the site's origins" in reason for reason in refused.skipped)
    mapped = run(site, moved, map_url=((OLD, ORIGIN),), map_thread={"t2": "renamed"})
    assert mapped.comments == 8
    assert len(site.thread("renamed")["comments"]) == 1


def test_a_dry_run_writes_nothing(site: Harness) -> None:
    summary = run(site, sample(), dry_run=True)
    assert summary.comments == 8 and summary.lines(True)[0].startswith("would import")
    assert site.thread("union")["comments"] == [] and outbox_kinds(site) == []


def test_moderate_holds_what_the_sites_filters_would_hold(site: Harness) -> None:
    records = [
        replace(r, body="<p>Ну и пиздец тут творится</p>")
        if isinstance(r, SourcePost) and r.source_id == "2"
        else r
        for r in sample()
    ]
    plain = run(site, records, dry_run=True)
    assert plain.held == {}
    summary = run(site, records, moderate=True)
    assert summary.held == {"pending": 1}
    assert "moderation: 1 held for review" in summary.lines(False)
    mod = site.moderator()
    queue = site.client.get(
        "/api/v1/sites/news/moderation/queue",
        params={"status": "pending"},
        headers=site.auth(mod),
    ).json()["items"]
    [held] = queue
    assert "пиздец" in held["comment"]["body"] and held["reasons"]


def test_a_large_file_is_converted_in_a_worker_into_the_same_comments(
    site: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a few thousand posts the bodies are converted and rendered in a second process
    while the file is read; readers get the same comments, sanitised the same way."""
    from comments.importing import converting, writer

    monkeypatch.setattr(converting, "PARALLEL_AFTER", 0)
    monkeypatch.setattr(writer, "STAGE_CHUNK", 2)  # several chunks through the worker
    seen: list[bool] = []
    submit = converting.Converter.submit

    def watched(self: converting.Converter, bodies: Any) -> Any:
        pending = submit(self, bodies)
        seen.append(self.parallel)
        return pending

    monkeypatch.setattr(converting.Converter, "submit", watched)
    summary = run(site, sample())
    assert seen and all(seen), "the bodies were converted in this process"
    assert (summary.threads, summary.comments) == (2, 8)
    top = site.thread("union")["comments"]
    assert [c["html"] for c in top] == ["<p>Comment <strong>1</strong></p>"]
    node = top[0]
    while node["replies"]:
        node = node["replies"][0]
        assert "script" not in node["html"] and node["html"].startswith("<p>")


def test_an_authors_address_is_kept_for_linking_but_never_shown(site: Harness) -> None:
    from comments.storage.schema import users

    ann = SourceAuthor(key="ann", name="Ann", email="Ann.Smith@example.org")
    run(site, [SourceThread("t1", f"{ORIGIN}/world/union", "The union", key="union"),
               post("1", author=ann)])  # fmt: skip

    async def stored(s: Service) -> str | None:
        async with s.deps.storage._engine.connect() as conn:  # type: ignore[attr-defined]
            where = users.c.id == "import:disqus:ann"
            return (await conn.execute(select(users.c.email).where(where))).scalar_one()

    assert site.run(stored) == "Ann.Smith@example.org"
    page = site.thread("union")
    assert page["comments"][0]["author"]["name"] == "Ann"
    assert "Ann.Smith" not in str(page)


def many_threads(count: int) -> list[Record]:
    records: list[Record] = []
    for n in range(count):
        records.append(SourceThread(f"t{n}", f"{ORIGIN}/story/{n}", f"Story {n}", key=f"s{n}"))
        records += [
            post(str(10 * n + 1), thread=f"t{n}"),
            post(str(10 * n + 2), thread=f"t{n}", parent=str(10 * n + 1)),
        ]
    return records


def test_batches_written_at_once_import_every_thread_whole(
    site: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many small batches, two under way at a time on PostgreSQL: every thread arrives."""
    from comments.importing import writer

    monkeypatch.setattr(writer, "BATCH", 2)  # a batch a thread
    summary = run(site, many_threads(12))
    assert (summary.threads, summary.comments, summary.users) == (12, 24, 24)
    for n in range(12):
        [top] = site.thread(f"s{n}")["comments"]
        assert top["id"] and len(top["replies"]) == 1
    assert run(site, many_threads(12)).comments == 0  # and again adds nothing


def test_a_failed_batch_stops_the_import_leaving_whole_threads_and_a_rerun_resumes(
    site: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from comments.importing import writer

    monkeypatch.setattr(writer, "BATCH", 2)
    storage = site.service.deps.storage
    real = storage.import_threads
    calls = 0

    async def failing(writes: Any) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the database went away")
        return await real(writes)

    monkeypatch.setattr(storage, "import_threads", failing)
    with pytest.raises(RuntimeError, match="went away"):
        run(site, many_threads(6))
    pages = [site.thread(f"s{n}")["comments"] for n in range(6)]
    assert [len(p) for p in pages[:3]] == [1, 1, 0]  # the failed batch's thread is not there
    assert all(len(p[0]["replies"]) == 1 for p in pages if p)  # what is there is whole
    written = sum(1 for p in pages if p)
    monkeypatch.setattr(storage, "import_threads", real)
    again = run(site, many_threads(6))  # running again resumes
    assert (again.comments, again.existing) == (12 - 2 * written, 2 * written)
