"""Imported authors linked to a real account through a verified e-mail address.

An import leaves authors as users `import:<source>:<key>` that can never log in. A site
that sets `link_imported_authors` gives their comments there (and their votes) to the
reader who logs in with the address the import stored, once it is verified: an OpenID
Connect login with `email_verified`, or a publisher's sign-on token saying so. Readers
see the real name on the thread page at once. The imported rows are written through the
storage layer here, as an import leaves them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from comments.models import Comment, Thread, User
from comments.service import Service
from comments.storage import NewCommentWrite, VoteValue
from tests.auth.providers import FakeGitHub, StrictOidcProvider
from tests.harness import ARTICLE, ORIGIN, PUBLIC, Harness, login_result

CLIENT_ID, CLIENT_SECRET = "comments-test", "comments-test-secret"
SSO_SECRET = "publisher-secret-" + "y" * 32
ANN = "import:disqus:ann"  # the imported author whose address is the reader's
BOB = "import:disqus:bob"  # another imported author, whose comment Ann voted on


@dataclass(frozen=True)
class Imported:
    """What the setup imported: comment ids by who wrote them, and where."""

    ann_news: tuple[str, str]
    ann_other: str
    bob_news: str


@pytest.fixture
def site(database_url: str, strict_oidc: StrictOidcProvider) -> Iterator[Harness]:
    """The app (SQLite, then PostgreSQL) with an OpenID Connect login `newsroom`, SSO on
    `news`, a second site `other`, and comments imported on both."""
    from comments.settings import load_settings

    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/newsroom/callback")
    prefix = "COMMENTS_OIDC_NEWSROOM_"
    environ = {
        prefix + "ISSUER": strict_oidc.issuer,
        prefix + "CLIENT_ID": CLIENT_ID,
        prefix + "CLIENT_SECRET": CLIENT_SECRET,
        prefix + "NAME": "Newsroom",
    }
    oidc = load_settings({"oidc_providers": "newsroom"}, environ=environ).oidc
    with Harness.start(database_url, oidc=oidc) as h:
        h.run(lambda s: s.sites.update("news", sso_secret=SSO_SECRET))
        h.run(lambda s: s.sites.create("other", [ORIGIN]))
        yield h


def put_imported(
    h: Harness, site: str, thread: str, author: str, email: str | None, body: str
) -> str:
    """One published comment by an imported author, as an import writes it."""

    async def work(s: Service) -> str:
        now = s.deps.clock()
        name = author.rsplit(":", 1)[-1].title() + " (imported)"
        await s.deps.storage.upsert_user(
            User(id=author, name=name, avatar_url=None, email=email, created_at=now)
        )
        comment_id = s.deps.ids.new()
        comment = Comment(
            id=comment_id, site=site, thread_id="", parent_id=None, root_id=comment_id,
            depth=0, author_id=author, body=body, html=f"<p>{body}</p>", status="approved",
            reasons=(), score=0, report_count=0, created_at=now, edited_at=None,
            source_id=f"disqus:{comment_id}",
        )  # fmt: skip
        stored = Thread(
            id=s.deps.ids.new(), site=site, key=thread, url=ARTICLE, title="Union",
            closed=False, created_at=now,
        )  # fmt: skip
        await s.deps.storage.add_comment(NewCommentWrite(comment, stored, new_thread=True))
        return comment_id

    return h.run(work)


def imported_vote(h: Harness, comment_id: str, user_id: str, value: VoteValue) -> None:
    """A vote the import recorded (Remark42 keeps who voted)."""
    h.run(lambda s: s.deps.storage.set_vote(comment_id, user_id, value, s.deps.clock()))


@pytest.fixture
def imported(site: Harness) -> Imported:
    ann = (
        put_imported(site, "news", "union", ANN, "Ann.Smith@Example.ORG", "Imported first."),
        put_imported(site, "news", "budget", ANN, "Ann.Smith@Example.ORG", "Imported second."),
    )
    other = put_imported(site, "other", "union", ANN, "Ann.Smith@Example.ORG", "Elsewhere.")
    bob = put_imported(site, "news", "union", BOB, "bob@example.org", "Bob's old words.")
    imported_vote(site, bob, ANN, 1)
    return Imported(ann, other, bob)


def admin(h: Harness) -> str:
    return h.moderator("dev:boss", role="admin")


def set_linking(h: Harness, on: bool) -> None:
    token = admin(h)
    url = "/api/v1/sites/news/settings"
    policy = h.client.get(url, headers=h.auth(token)).json()["policy"]
    assert policy["link_imported_authors"] is False  # off until an admin turns it on
    r = h.client.put(
        url, json={"policy": policy | {"link_imported_authors": on}}, headers=h.auth(token)
    )
    assert r.status_code == 200, r.text
    assert r.json()["policy"]["link_imported_authors"] is on


def oidc_login(
    h: Harness, oidc: StrictOidcProvider, sub: str, claims: dict[str, Any], site: str = "news"
) -> dict[str, Any]:
    """The whole popup login with the newsroom provider; answers the token and user."""
    oidc.set_user(sub, {"name": "Ann Smith"} | claims)
    start = h.client.get(
        "/auth/newsroom/login", params={"site": site, "origin": ORIGIN}, follow_redirects=False
    )
    assert start.status_code == 303, start.text
    callback = urlsplit(oidc.authorize(start.headers["location"], sub))
    page = h.client.get(f"{callback.path}?{callback.query}")
    assert page.status_code == 200, page.text
    message: dict[str, Any] = login_result(page.text)["message"]
    return message


def sso_login(h: Harness, claims: dict[str, Any]) -> dict[str, Any]:
    now = int(time.time())
    body = {"sub": "77", "name": "Ann Smith", "iat": now, "exp": now + 600} | claims
    token = jwt.encode({"alg": "HS256"}, body, OctKey.import_key(SSO_SECRET.encode()))
    r = h.client.post("/auth/sso", json={"site": "news", "token": token})
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def authors(h: Harness, thread: str, site: str = "news", token: str | None = None) -> list[Any]:
    """(author id, author name, body text) of each comment on the public thread page."""
    headers = h.auth(token) if token else {}
    r = h.client.get(
        f"/api/v1/sites/{site}/comments", params={"thread": thread, "sort": "oldest"},
        headers=headers,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    return [(c["author"]["id"], c["author"]["name"], c["html"]) for c in r.json()["comments"]]


def linked_rows(h: Harness) -> list[dict[str, Any]]:
    r = h.client.get("/api/v1/sites/news/moderation/log", headers=h.auth(admin(h)))
    assert r.status_code == 200, r.text
    return [e for e in r.json()["entries"] if e["action"] == "user_linked"]


VERIFIED = {"email": "ann.smith@example.org", "email_verified": True}


def test_with_the_setting_off_a_verified_login_links_nothing(
    site: Harness, imported: Imported, strict_oidc: StrictOidcProvider
) -> None:
    before = authors(site, "union")
    oidc_login(site, strict_oidc, "ann", VERIFIED)
    assert authors(site, "union") == before
    assert before[0][:2] == (ANN, "Ann (imported)")
    assert linked_rows(site) == []


def test_a_verified_login_takes_over_the_imported_comments_and_their_votes(
    site: Harness, imported: Imported, strict_oidc: StrictOidcProvider
) -> None:
    set_linking(site, True)
    cached = authors(site, "union")  # the page is cached before the login
    assert [a[0] for a in cached] == [ANN, BOB]
    reader = oidc_login(site, strict_oidc, "ann", VERIFIED)
    me = reader["user"]["id"]
    assert me == "oidc:newsroom:ann"
    # Anonymous readers see the real account's name on both threads at once.
    assert authors(site, "union") == [
        (me, "Ann Smith", "<p>Imported first.</p>"),
        (BOB, "Bob (imported)", "<p>Bob's old words.</p>"),
    ]
    assert authors(site, "budget") == [(me, "Ann Smith", "<p>Imported second.</p>")]
    # Ann's vote on Bob's comment is now the reader's own, and the score is unchanged.
    page = site.client.get(
        "/api/v1/sites/news/comments", params={"thread": "union", "sort": "oldest"},
        headers=site.auth(reader["token"]),
    ).json()  # fmt: skip
    assert page["viewer"]["votes"] == {imported.bob_news: 1}
    assert [c["score"] for c in page["comments"] if c["id"] == imported.bob_news] == [1]
    # The same imported author on another site is that site's business.
    assert authors(site, "union", site="other") == [(ANN, "Ann (imported)", "<p>Elsewhere.</p>")]
    (row,) = linked_rows(site)
    assert row["actor"]["id"] == me
    assert row["details"]["imported"] == [ANN]
    assert row["details"]["comments"] == 2 and row["details"]["votes"] == 1
    # A second login links nothing more and writes no second row.
    oidc_login(site, strict_oidc, "ann", VERIFIED)
    assert len(linked_rows(site)) == 1
    assert authors(site, "budget") == [(me, "Ann Smith", "<p>Imported second.</p>")]


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "ann.smith@example.org", "email_verified": False},
        {"email": "ann.smith@example.org"},
        {},
    ],
    ids=["unverified", "verification-unsaid", "no-address"],
)
def test_an_address_the_provider_does_not_vouch_for_links_nothing(
    site: Harness, imported: Imported, strict_oidc: StrictOidcProvider, claims: dict[str, Any]
) -> None:
    set_linking(site, True)
    oidc_login(site, strict_oidc, "ann", claims)
    assert [a[0] for a in authors(site, "union")] == [ANN, BOB]
    assert [a[0] for a in authors(site, "budget")] == [ANN]
    assert linked_rows(site) == []


def test_sign_on_links_only_when_the_publisher_says_the_address_is_verified(
    site: Harness, imported: Imported
) -> None:
    set_linking(site, True)
    sso_login(site, {"email": "ann.smith@example.org"})
    assert [a[0] for a in authors(site, "budget")] == [ANN]
    answer = sso_login(site, {"email": "ANN.SMITH@example.org", "email_verified": True})
    assert answer["user"]["id"] == "sso:news:77"
    assert authors(site, "budget") == [("sso:news:77", "Ann Smith", "<p>Imported second.</p>")]
    assert [a[0] for a in authors(site, "union")] == ["sso:news:77", BOB]
    assert len(linked_rows(site)) == 1


def test_a_real_account_with_the_same_address_is_never_linked(
    site: Harness, imported: Imported, strict_oidc: StrictOidcProvider
) -> None:
    set_linking(site, True)
    # A real account already holds the address and has written on the site.
    first = sso_login(site, {"email": "ann.smith@example.org", "email_verified": True})
    posted = site.post(first["token"], "Written with my newspaper account.", thread="budget")
    assert posted.status_code == 201, posted.text
    # Logging in with another account of that address takes only what was imported,
    # and the imported comments were given to the first account already.
    second = oidc_login(site, strict_oidc, "ann", VERIFIED)
    names = {a[2]: a[0] for a in authors(site, "budget")}
    assert names["<p>Written with my newspaper account.</p>"] == "sso:news:77"
    assert names["<p>Imported second.</p>"] == "sso:news:77"
    assert second["user"]["id"] not in names.values()
    assert len(linked_rows(site)) == 1


def test_a_github_login_links_by_its_public_address(
    sqlite_url: str, fake_github: FakeGitHub
) -> None:
    # GitHub lets only a verified address be public, which is all `/user` shows.
    fake_github.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/github/callback")
    fake_github.set_user("annsmith", name="Ann on GitHub", email="ann.smith@example.org")
    with Harness.start(
        sqlite_url,
        **fake_github.app_settings(CLIENT_ID, CLIENT_SECRET),
    ) as h:
        put_imported(h, "news", "union", ANN, "ann.smith@example.org", "Imported first.")
        set_linking(h, True)
        start = h.client.get(
            "/auth/github/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
        )
        callback = urlsplit(fake_github.authorize(start.headers["location"], "annsmith"))
        me = login_result(h.client.get(f"{callback.path}?{callback.query}").text)["message"]
        assert authors(h, "union") == [
            (me["user"]["id"], "Ann on GitHub", "<p>Imported first.</p>")
        ]
