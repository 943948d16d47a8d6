"""Every write that changes what readers see, read back from an instance that cached the page.

For each write path: instance B serves the thread's page (anonymously and logged in) before
the write, the write happens on instance A, and then (see `tests/cache/across.py`) an
anonymous reader on A sees it at once, an anonymous reader on B within a second, and the
writer on their very next read on B. A visible ban is not here: it changes no page (the
banned reader's comments stay, their sessions end). An import is its own process, so no
instance took it: both serve and cache the page (anonymously and to a logged-in reader),
the command line imports a Disqus export into the thread, and then the logged-in reader
sees the imported comments and the higher count at once on A (so the import bumped the
page version itself) and on their next read on B, anonymous readers on B within a second.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cache.across import (
    OPEN,
    PREMODERATED,
    STALENESS,
    TUNED,
    UNCACHED_LIMIT,
    Looker,
    Page,
    Two,
    across,
    find,
    ids,
    own,
    read,
    walk,
    within,
)
from tests.importing.make_disqus import Author, document, post_element, thread_element
from tests.security.streaming import ORIGIN


def test_a_post_reaches_every_reader(two: Two) -> None:
    thread = two.thread("post")
    _, author = two.reader()
    _, other = two.reader()
    two.post(other, thread)  # the thread exists and has a page to cache
    _, writer = two.reader()
    posted: dict[str, str] = {}

    def write() -> None:
        posted["id"] = two.post(writer, thread)["id"]

    def seen(page: Page) -> bool:
        return posted.get("id") in ids(page) and page["thread"]["count"] == 2

    across(
        two,
        thread,
        write,
        seen,
        logged=[Looker("the writer", writer, seen), Looker("another reader", author, seen)],
    )


def test_a_reply_reaches_every_reader(two: Two) -> None:
    thread = two.thread("reply")
    _, author = two.reader()
    parent = two.post(author, thread)["id"]
    _, writer = two.reader()
    posted: dict[str, str] = {}

    def write() -> None:
        posted["id"] = two.post(writer, thread, parent=parent)["id"]

    def seen(page: Page) -> bool:
        top = find(page, parent)
        return top is not None and posted.get("id") in [r["id"] for r in top["replies"]]

    across(
        two,
        thread,
        write,
        seen,
        logged=[Looker("the writer", writer, seen), Looker("the parent's author", author, seen)],
    )


def test_an_edit_reaches_every_reader(two: Two) -> None:
    thread = two.thread("edit")
    _, author = two.reader()
    _, other = two.reader()
    comment = two.post(author, thread)["id"]
    text = two.body("Corrected")

    def write() -> None:
        two.call("PATCH", f"/api/v1/comments/{comment}", author, {"body": text})

    def seen(page: Page) -> bool:
        found = find(page, comment)
        return found is not None and "Corrected" in found["html"] and bool(found["edited_at"])

    across(
        two,
        thread,
        write,
        seen,
        logged=[Looker("the writer", author, seen), Looker("another reader", other, seen)],
    )


def test_an_author_delete_reaches_every_reader(two: Two) -> None:
    thread = two.thread("delete")
    _, author = two.reader()
    _, other = two.reader()
    kept = two.post(other, thread)["id"]
    gone = two.post(author, thread)["id"]

    def seen(page: Page) -> bool:
        return gone not in ids(page) and kept in ids(page)

    across(
        two,
        thread,
        lambda: two.call("DELETE", f"/api/v1/comments/{gone}", author, expect=204),
        seen,
        logged=[Looker("the writer", author, seen), Looker("another reader", other, seen)],
    )


def test_a_moderator_delete_reaches_every_reader(two: Two) -> None:
    thread = two.thread("moddelete")
    _, author = two.reader()
    moderator = two.staff()
    gone = two.post(author, thread)["id"]

    def seen(page: Page) -> bool:
        return gone not in ids(page)

    across(
        two,
        thread,
        lambda: two.call("DELETE", f"/api/v1/comments/{gone}", moderator, expect=204),
        seen,
        logged=[Looker("the moderator", moderator, seen), Looker("the author", author, seen)],
    )


def test_a_vote_reaches_every_reader_and_the_voter_sees_their_vote(two: Two) -> None:
    thread = two.thread("vote")
    _, author = two.reader()
    _, voter = two.reader()
    comment = two.post(author, thread)["id"]

    def scored(page: Page) -> bool:
        found = find(page, comment)
        return found is not None and found["score"] == 1

    def voted(page: Page) -> bool:
        return scored(page) and (page.get("viewer") or {}).get("votes") == {comment: 1}

    across(
        two,
        thread,
        lambda: two.call("PUT", f"/api/v1/comments/{comment}/vote", voter, {"value": 1}),
        scored,
        logged=[Looker("the voter", voter, voted), Looker("the author", author, scored)],
    )


def test_the_report_that_hides_a_comment_reaches_every_reader(two: Two) -> None:
    thread = two.thread("report")
    _, author = two.reader()
    comment = two.post(author, thread)["id"]
    _, first = two.reader()
    two.call("POST", f"/api/v1/comments/{comment}/reports", first, {"reason": "abuse"}, expect=201)
    _, second = two.reader()  # the site hides a comment at its second report

    def seen(page: Page) -> bool:
        return comment not in ids(page)

    across(
        two,
        thread,
        lambda: two.call(
            "POST", f"/api/v1/comments/{comment}/reports", second, {"reason": "spam"}, expect=201
        ),
        seen,
        logged=[Looker("the reporter", second, seen), Looker("the first reporter", first, seen)],
    )


def test_approving_a_held_comment_reaches_every_reader(two: Two) -> None:
    thread = two.thread("approve")
    _, author = two.reader(PREMODERATED)
    _, other = two.reader(PREMODERATED)
    moderator = two.staff(PREMODERATED)
    held = two.post(author, thread, site=PREMODERATED)
    assert held["status"] == "pending"

    def seen(page: Page) -> bool:
        return held["id"] in ids(page)

    def author_seen(page: Page) -> bool:
        return seen(page) and held["id"] not in own(page)

    across(
        two,
        thread,
        lambda: two.decide(moderator, held["id"], "approve"),
        seen,
        site=PREMODERATED,
        logged=[
            Looker("the moderator", moderator, seen),
            Looker("the author", author, author_seen),
            Looker("another reader", other, seen),
        ],
    )


def test_rejecting_a_published_comment_reaches_every_reader(two: Two) -> None:
    thread = two.thread("reject")
    _, author = two.reader()
    moderator = two.staff()
    comment = two.post(author, thread)["id"]

    def seen(page: Page) -> bool:
        return comment not in ids(page)

    def author_seen(page: Page) -> bool:
        return seen(page) and own(page).get(comment, {}).get("status") == "rejected"

    across(
        two,
        thread,
        lambda: two.decide(moderator, comment, "reject"),
        seen,
        logged=[
            Looker("the moderator", moderator, seen),
            Looker("the author", author, author_seen),
        ],
    )


def test_undoing_an_approval_reaches_every_reader(two: Two) -> None:
    thread = two.thread("requeue")
    _, author = two.reader(PREMODERATED)
    moderator = two.staff(PREMODERATED)
    comment = two.post(author, thread, site=PREMODERATED)["id"]
    two.decide(moderator, comment, "approve")

    def seen(page: Page) -> bool:
        return comment not in ids(page)

    def author_seen(page: Page) -> bool:
        return seen(page) and own(page).get(comment, {}).get("status") == "pending"

    across(
        two,
        thread,
        lambda: two.decide(moderator, comment, "requeue"),
        seen,
        site=PREMODERATED,
        logged=[
            Looker("the moderator", moderator, seen),
            Looker("the author", author, author_seen),
        ],
    )


def test_a_bulk_decision_reaches_every_reader(two: Two) -> None:
    thread = two.thread("bulk")
    _, author = two.reader(PREMODERATED)
    _, other = two.reader(PREMODERATED)
    moderator = two.staff(PREMODERATED)
    held = [two.post(author, thread, site=PREMODERATED)["id"] for _ in range(2)]

    def seen(page: Page) -> bool:
        return set(held) <= set(ids(page))

    def write() -> None:
        done = two.call(
            "POST",
            f"/api/v1/sites/{PREMODERATED}/moderation/bulk",
            moderator,
            {"ids": held, "action": "approve"},
        )
        assert set(done.json()["results"].values()) == {"ok"}

    across(
        two,
        thread,
        write,
        seen,
        site=PREMODERATED,
        logged=[Looker("the moderator", moderator, seen), Looker("another reader", other, seen)],
    )


def test_a_shadow_ban_hides_the_authors_comments_from_every_reader(two: Two) -> None:
    thread = two.thread("shadow")
    author_id, author = two.reader()
    _, other = two.reader()
    moderator = two.staff()
    kept = two.post(other, thread)["id"]
    hidden = two.post(author, thread)["id"]

    def seen(page: Page) -> bool:
        return hidden not in ids(page) and kept in ids(page)

    across(
        two,
        thread,
        lambda: two.call(
            "POST",
            f"/api/v1/sites/{OPEN}/bans",
            moderator,
            {"user_id": author_id, "reason": "Spam", "shadow": True},
            expect=201,
        ),
        seen,
        logged=[Looker("the moderator", moderator, seen), Looker("another reader", other, seen)],
    )


def test_lifting_a_shadow_ban_shows_the_authors_comments_again(two: Two) -> None:
    thread = two.thread("unban")
    author_id, author = two.reader()
    _, other = two.reader()
    moderator = two.staff()
    comment = two.post(author, thread)["id"]
    two.call(
        "POST",
        f"/api/v1/sites/{OPEN}/bans",
        moderator,
        {"user_id": author_id, "reason": "Spam", "shadow": True},
        expect=201,
    )

    def seen(page: Page) -> bool:
        return comment in ids(page)

    across(
        two,
        thread,
        lambda: two.call("DELETE", f"/api/v1/sites/{OPEN}/bans/{author_id}", moderator, expect=204),
        seen,
        logged=[Looker("the moderator", moderator, seen), Looker("another reader", other, seen)],
    )


def test_an_erased_user_leaves_only_tombstones_for_every_reader(two: Two) -> None:
    thread = two.thread("erase")
    _, author = two.reader()
    _, other = two.reader()
    alone = two.post(author, thread)["id"]
    answered = two.post(author, thread)["id"]
    two.post(other, thread, parent=answered)

    def seen(page: Page) -> bool:
        tombstone = find(page, answered)
        return (
            alone not in ids(page)
            and tombstone is not None
            and tombstone["status"] == "deleted"
            and tombstone["author"]["name"] == "[deleted]"
        )

    # The erased writer has no session left to read with; the other reader stands in.
    across(
        two,
        thread,
        lambda: two.call("DELETE", "/api/v1/me", author, expect=204),
        seen,
        logged=[Looker("the replier", other, seen)],
    )


@pytest.mark.parametrize("closed", [True, False], ids=["close", "open"])
def test_closing_and_opening_a_thread_reaches_every_reader(two: Two, closed: bool) -> None:
    thread = two.thread("close")
    _, author = two.reader()
    moderator = two.staff()
    two.post(author, thread)
    if not closed:
        two.call("POST", f"/api/v1/sites/{OPEN}/threads/close", moderator, {"thread": thread})

    def seen(page: Page) -> bool:
        return bool(page["thread"]["closed"] is closed)

    action = "close" if closed else "open"
    across(
        two,
        thread,
        lambda: two.call(
            "POST", f"/api/v1/sites/{OPEN}/threads/{action}", moderator, {"thread": thread}
        ),
        seen,
        logged=[Looker("the moderator", moderator, seen), Looker("the author", author, seen)],
    )


def test_thread_options_reach_every_reader(two: Two) -> None:
    thread = two.thread("options")
    _, author = two.reader()
    moderator = two.staff()
    two.post(author, thread)
    shown = read(two.a, thread).json["thread"]
    options = {"premoderation", "slow_mode_seconds"} & set(shown)
    if not options:
        pytest.skip(
            f"a thread's page shows none of its options (its thread block has {sorted(shown)}): "
            "changing them changes nothing a reader sees"
        )

    def seen(page: Page) -> bool:
        thread_block = page["thread"]
        return all(
            thread_block.get(name) == {"premoderation": "all", "slow_mode_seconds": 30}[name]
            for name in options
        )

    across(
        two,
        thread,
        lambda: two.call(
            "POST",
            f"/api/v1/sites/{OPEN}/threads/options",
            moderator,
            {"thread": thread, "premoderation": "all", "slow_mode_seconds": 30},
        ),
        seen,
        logged=[Looker("the moderator", moderator, seen), Looker("the author", author, seen)],
    )


def test_a_site_setting_that_hides_comments_reaches_every_reader(two: Two) -> None:
    thread = two.thread("settings")
    _, author = two.reader(TUNED)
    _, reporter = two.reader(TUNED)
    admin = two.staff(TUNED, role="admin")
    reported = two.post(author, thread, site=TUNED)["id"]
    kept = two.post(author, thread, site=TUNED)["id"]
    two.call(
        "POST", f"/api/v1/comments/{reported}/reports", reporter, {"reason": "abuse"}, expect=201
    )  # one report: the site hides at two
    policy = two.call("GET", f"/api/v1/sites/{TUNED}/settings", admin).json()["policy"]

    def seen(page: Page) -> bool:
        return reported not in ids(page) and kept in ids(page)

    across(
        two,
        thread,
        lambda: two.call(
            "PUT",
            f"/api/v1/sites/{TUNED}/settings",
            admin,
            {"policy": policy | {"hide_after_reports": 1}},
        ),
        seen,
        site=TUNED,
        logged=[Looker("the admin", admin, seen), Looker("the reporter", reporter, seen)],
    )


def disqus_export(thread: str, texts: tuple[str, str]) -> str:
    """A Disqus export of one article on the open site, keyed `thread`: a comment on it and
    a reply to that comment, with these texts."""
    article, first, reply = (str(secrets.randbelow(10**9)) for _ in range(3))
    author = Author("Imported reader", "imported@example.org", "imported_reader")
    return document(
        thread_element(article, identifier=thread, link=f"{ORIGIN}/{thread}", title="Imported"),
        post_element(first, thread=article, message=f"<p>{texts[0]}</p>", author=author),
        post_element(
            reply,
            thread=article,
            message=f"<p>{texts[1]}</p>",
            author=author,
            created="2013-01-11T11:00:00Z",
            parent=first,
        ),
    )


def import_disqus(two: Two, path: Path) -> subprocess.CompletedProcess[str]:
    """`comments import disqus` run as a process of its own, on the instances' database
    and Redis, as a publisher would run it beside the servers."""
    settings = two.pair.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTS_")} | {
        "COMMENTS_DATABASE_URL": settings.database_url,
        "COMMENTS_PUBLIC_URL": settings.public_url,
    }
    if settings.redis_url is not None:
        env["COMMENTS_REDIS_URL"] = settings.redis_url
    if settings.secret_key is not None:
        env["COMMENTS_SECRET_KEY"] = settings.secret_key.get_secret_value()
    return subprocess.run(
        [sys.executable, "-m", "comments", "import", "disqus", str(path), "--site", OPEN],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_import_reaches_every_reader(two: Two, tmp_path: Path) -> None:
    thread = two.thread("import")
    _, reader = two.reader()
    native = two.post(reader, thread)["id"]  # the thread exists and has a page to cache
    number = secrets.randbelow(10**9)
    texts = (f"Imported comment {number}", f"Imported reply {number}")
    path = tmp_path / "disqus.xml"
    path.write_text(disqus_export(thread, texts), encoding="utf-8")

    def shows_texts(page: Page) -> bool:
        return all(any(text in c["html"] for c in walk(page["comments"])) for text in texts)

    readers = [
        ("anonymous on B", two.b, None),
        ("anonymous on A", two.a, None),
        ("a logged-in reader on B", two.b, reader),
        ("a logged-in reader on A", two.a, reader),
    ]
    for label, instance, token in readers:
        page = read(instance, thread, token)
        assert page.status == 200, f"{label} before the import: {page.json}"
        assert native in ids(page.json) and page.json["thread"]["count"] == 1, page.json
        if shows_texts(page.json):
            pytest.fail(f"test set-up: {label} already shows the import before it happens")

    done = import_disqus(two, path)
    # The logged-in reader on A reads first, at once: their read asks Redis for the thread's
    # version, so it shows that the import bumped it itself (the outbox rows it left would
    # have the instances bump it too, but only at their next poll, seconds later). That read
    # refreshes A for everyone, not B: B's anonymous readers still wait on the announcement.
    first = read(two.a, thread, reader)
    assert done.returncode == 0, f"the import failed: {done.stdout}{done.stderr}"
    assert "imported: 1 threads, 2 comments" in done.stdout, done.stdout

    # A page size nobody has read is computed from the database now: the imported ids.
    truth = read(two.a, thread, limit=UNCACHED_LIMIT)
    imported = [i for i in ids(truth.json) if i != native] if truth.status == 200 else []
    if not (shows_texts(truth.json) and len(imported) == 2):
        pytest.fail(
            "the import does not show even in a page nobody had cached (so it did not change "
            f"the page; not a stale cache): {truth.json}"
        )

    def seen(page: Page) -> bool:
        return (
            {native, *imported} <= set(ids(page))
            and shows_texts(page)
            and page["thread"]["count"] == 3
        )

    stale: list[str] = []
    if not (first.status == 200 and seen(first.json)):
        stale.append("a logged-in reader on A at once (the import bumped no version)")
    if not within(STALENESS, lambda: seen(read(two.b, thread).json)):
        stale.append(f"anonymous reads on B for {STALENESS:.0f} s")
    if not seen(read(two.a, thread).json):
        stale.append("an anonymous read on A")
    if not seen(read(two.b, thread, reader).json):
        stale.append("a logged-in reader's next read on B")
    assert not stale, (
        f"stale after the import (a page computed now shows its comments {imported}): "
        + "; ".join(stale)
    )
