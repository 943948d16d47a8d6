"""Attacks with bearer tokens: forged, revoked, banned, on the wrong site, on moderation.

A reader's token is good for one site, for reading and writing as that reader, until
logout or a ban. Moderation needs an API token with a role on the site (or the
dashboard's cookie session, attacked in `test_attack_dashboard.py`); a widget's token
never moderates, whoever holds it, but for the few actions the widget offers the site's
own staff in the article (`test_widget_staff_tokens.py`). The moderation endpoints are
taken from the app's own OpenAPI document (every operation tagged `moderation`), so an
endpoint added tomorrow is attacked the day it is.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest

from comments.models import SitePolicy
from comments.service.sessions import hash_token
from tests.harness import Harness

OTHER_ORIGIN = "https://other.example"
# Not in the OpenAPI document (a Server-Sent Events stream), but a moderation endpoint.
STREAMS = [("GET", "/api/v1/sites/{site}/moderation/events", None)]


def held(h: Harness, author: str = "dev:author") -> str:
    """A comment held for review; answers its id."""
    h.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    posted = h.post(h.token(author), "Please review me")
    assert posted.status_code == 201 and posted.json()["status"] == "pending", posted.text
    return str(posted.json()["id"])


class Examples:
    """Valid request bodies built from the document's schemas, so refusals are for the caller."""

    def __init__(self, document: dict[str, Any], values: dict[str, Any]) -> None:
        self.schemas = document["components"]["schemas"]
        self.values = values

    def body(self, schema: dict[str, Any], name: str = "") -> Any:
        if "$ref" in schema:
            return self.body(self.schemas[schema["$ref"].rsplit("/", 1)[1]], name)
        if name in self.values:
            return self.values[name]
        if "anyOf" in schema:
            return self.body(next(s for s in schema["anyOf"] if s.get("type") != "null"), name)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object":
            properties = schema.get("properties", {})
            return {p: self.body(properties[p], p) for p in schema.get("required", [])}
        if kind == "array":
            return [self.body(schema["items"], name)] * max(1, schema.get("minItems", 1))
        if kind == "integer":
            return schema.get("minimum", 60)
        if kind == "boolean":
            return False
        return "x" * max(1, schema.get("minLength", 1))


def moderation_requests(h: Harness, values: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Every moderation operation of the OpenAPI document, as a valid request on `news`."""
    document = h.client.get("/api/v1/openapi.json").json()
    examples = Examples(document, values)
    found: list[tuple[str, str, Any]] = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "moderation" not in operation["tags"]:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            query = {
                p["name"]: values.get(p["name"], "x")
                for p in operation.get("parameters", [])
                if p.get("in") == "query" and p.get("required")
            }
            target = f"{path}?{urlencode(query)}" if query else path
            found.append((method.upper(), target, examples.body(body["schema"]) if body else None))
    assert len(found) >= 15, found  # the document lists them; a sudden drop is a bug here
    return found + STREAMS


def filled(path: str, values: dict[str, Any]) -> str:
    """A path template with its parameters filled in."""
    return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)


def snapshot(h: Harness, admin: str) -> list[Any]:
    """What moderation could change, as an admin of `news` sees it."""
    paths = ["/settings", "/roles", "/bans", "/moderation/log", "/moderation/queue"]
    seen = [h.client.get(f"/api/v1/sites/news{p}", headers=h.auth(admin)).json() for p in paths]
    return [*seen, h.thread()]


@pytest.fixture
def staffed(quick: Harness) -> tuple[Harness, dict[str, Any], str]:
    """Site `news` with a held comment, a banned reader and staff; site `other` too."""
    quick.run(lambda s: s.sites.create("other", [OTHER_ORIGIN]))
    comment = held(quick)
    admin = quick.moderator("dev:boss", role="admin")
    quick.token("dev:banned")
    banned = quick.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:banned", "reason": "Spam"},
        headers=quick.auth(admin),
    )
    assert banned.status_code == 201, banned.text
    quick.moderator("dev:mod")  # a moderator of news, who also reads with a widget token
    values = {
        "site": "news",
        "comment_id": comment,
        "ids": [comment],
        "user_id": "dev:banned",
        "thread": "union",
        "reason": "Because I can",
        "body": "A text to check.",
    }
    return quick, values, admin


def test_the_same_requests_from_the_sites_admin_are_well_formed(
    staffed: tuple[Harness, dict[str, Any], str],
) -> None:
    """Attack: none; the control that shows the refusals below are for the caller alone."""
    h, values, admin = staffed
    malformed = []
    for method, path, body in moderation_requests(h, values):
        if path.endswith("/events"):
            continue  # a stream that would stay open; its refusals are all that matter here
        r = h.client.request(method, filled(path, values), json=body, headers=h.auth(admin))
        if r.status_code in (400, 401, 403, 422):
            malformed.append((method, path, r.status_code, r.text[:200]))
    assert malformed == []


PERSONAS = {
    "reader-widget-token": lambda h: h.token("dev:reader"),
    "moderators-own-widget-token": lambda h: h.token("dev:mod"),
    "admins-own-widget-token": lambda h: h.token("dev:boss"),
    "other-sites-moderator": lambda h: h.moderator("dev:elsewhere", site="other"),
    "other-sites-admin": lambda h: h.moderator("dev:elsewhere-boss", site="other", role="admin"),
}
# What the widget offers a site's own staff on a comment: their widget token may do these.
IN_ARTICLE = {
    ("POST", "/api/v1/moderation/comments/{comment_id}/decision"),
    ("POST", "/api/v1/moderation/comments/{comment_id}/feature"),
    ("POST", "/api/v1/moderation/comments/{comment_id}/unfeature"),
    ("POST", "/api/v1/sites/{site}/bans"),
}
STAFF_WIDGET_TOKENS = {"moderators-own-widget-token", "admins-own-widget-token"}


@pytest.mark.parametrize("persona", PERSONAS.keys())
def test_every_moderation_endpoint_refuses_a_token_without_the_role_on_the_site(
    staffed: tuple[Harness, dict[str, Any], str], persona: str
) -> None:
    """Attack: a widget token (or another site's staff token) on every moderation endpoint."""
    h, values, admin = staffed
    token = PERSONAS[persona](h)
    before = snapshot(h, admin)
    allowed = []
    for method, path, body in moderation_requests(h, values):
        if persona in STAFF_WIDGET_TOKENS and (method, path) in IN_ARTICLE:
            continue  # the staff's own actions in the article (test_widget_staff_tokens.py)
        r = h.client.request(method, filled(path, values), json=body, headers=h.auth(token))
        if r.status_code != 403 or r.json()["error"]["code"] != "forbidden":
            allowed.append((method, path, r.status_code, r.text[:200]))
    assert allowed == []
    assert snapshot(h, admin) == before


def test_every_moderation_endpoint_asks_an_anonymous_caller_to_log_in(
    staffed: tuple[Harness, dict[str, Any], str],
) -> None:
    """Attack: moderation with no credentials at all."""
    h, values, admin = staffed
    before = snapshot(h, admin)
    for method, path, body in moderation_requests(h, values):
        r = h.client.request(method, filled(path, values), json=body)
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["error"]["code"] == "login_required"
    assert snapshot(h, admin) == before


def test_reader_cannot_promote_themselves_with_their_widget_token(
    staffed: tuple[Harness, dict[str, Any], str],
) -> None:
    """Attack: a reader's widget token setting its own roles to admin."""
    h = staffed[0]
    reader = h.token("dev:climber")
    r = h.client.put(
        "/api/v1/sites/news/roles/dev:climber", json={"roles": ["admin"]}, headers=h.auth(reader)
    )
    assert r.status_code == 403
    me = h.client.get("/api/v1/me", params={"site": "news"}, headers=h.auth(reader)).json()
    assert me["user"]["roles"] == []


def test_moderator_capped_api_token_of_an_admin_cannot_administer(quick: Harness) -> None:
    """Attack: an admin's API token made with `--role moderator` used for admin work."""
    quick.moderator("dev:boss", role="admin")
    capped = quick.moderator("dev:boss", role="moderator")
    r = quick.client.put(
        "/api/v1/sites/news/settings", json={"origins": ["https://evil.example"]},
        headers=quick.auth(capped),
    )  # fmt: skip
    assert r.status_code == 403
    assert quick.run(lambda s: s.sites.get("news")).origins == ("https://news.example",)


def test_moderator_token_stops_moderating_when_the_role_is_taken_away(quick: Harness) -> None:
    """Attack: a demoted moderator going on with the API token they still hold."""
    comment = held(quick)
    token = quick.moderator("dev:mod")
    admin = quick.moderator("dev:boss", role="admin")
    queue = "/api/v1/sites/news/moderation/queue"
    assert quick.client.get(queue, headers=quick.auth(token)).status_code == 200
    demoted = quick.client.put(
        "/api/v1/sites/news/roles/dev:mod", json={"roles": []}, headers=quick.auth(admin)
    )
    assert demoted.status_code == 200, demoted.text
    assert quick.client.get(queue, headers=quick.auth(token)).status_code == 403
    decision = quick.client.post(
        f"/api/v1/moderation/comments/{comment}/decision", json={"action": "approve"},
        headers=quick.auth(token),
    )  # fmt: skip
    assert decision.status_code == 403
    assert quick.thread()["comments"] == []


# ----------------------------------------------------------------- forged tokens

FORGED = {
    "random-with-our-prefix": "cmt_" + "A" * 43,
    "no-prefix": "A" * 47,
    "over-long": "cmt_" + "A" * 5000,
    "sql-in-token": "cmt_' OR '1'='1",
    "unicode": "cmt_\u00e9\u00e9",
}


@pytest.mark.parametrize("token", FORGED.values(), ids=FORGED.keys())
def test_forged_bearer_token_is_refused(quick: Harness, token: str) -> None:
    """Attack: a made-up bearer token, of any shape."""
    header = {"Authorization": f"Bearer {token}".encode()}  # bytes: non-ASCII goes as UTF-8
    r = quick.client.get("/api/v1/me", params={"site": "news"}, headers=header)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "login_required"


def test_stolen_token_hash_is_no_token(quick: Harness) -> None:
    """Attack: the stored hash of a token (a leaked database) presented as the token."""
    stolen = hash_token(quick.token("dev:alice"))
    for token in (stolen, "cmt_" + stolen):
        r = quick.client.get("/api/v1/me", params={"site": "news"}, headers=quick.auth(token))
        assert r.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Basic {t}", id="basic-scheme"),
        pytest.param("Token {t}", id="token-scheme"),
        pytest.param("Bearer", id="bearer-without-token"),
        pytest.param("{t}", id="no-scheme"),
    ],
)
def test_token_in_a_wrong_authorization_header_is_refused(quick: Harness, header: str) -> None:
    """Attack: a real token sent under another scheme, hoping a lax parser takes it."""
    value = header.format(t=quick.token("dev:alice"))
    r = quick.client.get("/api/v1/me", params={"site": "news"}, headers={"Authorization": value})
    assert r.status_code == 401


def test_token_in_the_query_string_is_not_a_login(quick: Harness) -> None:
    """Attack: a token in the URL (where logs and referrers keep it), instead of the header."""
    token = quick.token("dev:alice")
    for name in ("token", "access_token"):
        r = quick.client.get("/api/v1/me", params={"site": "news", name: token})
        assert r.status_code in (401, 422), r.text


# ------------------------------------------------------- after logout, after a ban


def test_token_after_logout_is_refused_everywhere(quick: Harness) -> None:
    """Attack: a token used after its reader logged out (a shared computer, a stolen copy)."""
    token = quick.dev_login("Alice")["message"]["token"]
    comment = quick.post(token, "Before logging out.").json()["id"]
    assert quick.client.post("/auth/logout", headers=quick.auth(token)).status_code == 204
    me = quick.client.get("/api/v1/me", params={"site": "news"}, headers=quick.auth(token))
    assert me.status_code == 401 and me.json()["error"]["code"] == "login_required"
    assert quick.post(token, "After logging out.").status_code == 401
    edit = quick.client.patch(
        f"/api/v1/comments/{comment}", json={"body": "Rewritten."}, headers=quick.auth(token)
    )
    assert edit.status_code == 401
    assert (
        quick.client.delete(f"/api/v1/comments/{comment}", headers=quick.auth(token)).status_code
        == 401
    )
    assert quick.client.post("/auth/logout", headers=quick.auth(token)).status_code == 401
    assert len(quick.thread()["comments"]) == 1


def test_token_after_a_ban_writes_nothing(quick: Harness) -> None:
    """Attack: a banned reader going on with the token they had, or with a fresh one."""
    token = quick.token("dev:troll")
    own = quick.post(token, "Before the ban.").json()["id"]
    other = quick.post(quick.token("dev:bystander"), "A bystander's comment.").json()["id"]
    admin = quick.moderator("dev:boss", role="admin")
    ban = quick.client.post(
        "/api/v1/sites/news/bans", json={"user_id": "dev:troll", "reason": "Abuse"},
        headers=quick.auth(admin),
    )  # fmt: skip
    assert ban.status_code == 201, ban.text
    for held_token in (token, quick.token("dev:troll")):
        auth = quick.auth(held_token)
        writes = [
            quick.post(held_token, "After the ban."),
            quick.client.patch(f"/api/v1/comments/{own}", json={"body": "Edited."}, headers=auth),
            quick.client.put(f"/api/v1/comments/{other}/vote", json={"value": -1}, headers=auth),
            quick.client.post(
                f"/api/v1/comments/{other}/reports", json={"reason": "spam"}, headers=auth
            ),
        ]
        assert [w.status_code for w in writes if w.status_code not in (401, 403)] == []
    page = quick.thread()
    assert {c["id"] for c in page["comments"]} == {own, other}
    assert all(c["score"] == 0 for c in page["comments"])


# --------------------------------------------------------------- site A on site B


def test_site_a_token_is_refused_on_site_b(quick: Harness) -> None:
    """Attack: a reader's token for site A used on site B, to post, vote, report or edit."""
    quick.run(lambda s: s.sites.create("other", [OTHER_ORIGIN]))
    on_b = quick.token("dev:bob", site="other")
    b_comment = quick.client.post(
        "/api/v1/sites/other/comments",
        json={"thread": "t", "body": "On site B.", "thread_url": f"{OTHER_ORIGIN}/t"},
        headers=quick.auth(on_b),
    )
    assert b_comment.status_code == 201, b_comment.text
    b_id = b_comment.json()["id"]
    a_token = quick.dev_login("Alice")["message"]["token"]  # a real login, for site `news`
    auth = quick.auth(a_token)
    attempts = {
        "post": quick.client.post(
            "/api/v1/sites/other/comments",
            json={"thread": "t", "body": "From site A.", "thread_url": f"{OTHER_ORIGIN}/t"},
            headers=auth,
        ),
        "me": quick.client.get("/api/v1/me", params={"site": "other"}, headers=auth),
        "vote": quick.client.put(f"/api/v1/comments/{b_id}/vote", json={"value": 1}, headers=auth),
        "report": quick.client.post(
            f"/api/v1/comments/{b_id}/reports", json={"reason": "spam"}, headers=auth
        ),
        "edit": quick.client.patch(f"/api/v1/comments/{b_id}", json={"body": "x"}, headers=auth),
        "delete": quick.client.delete(f"/api/v1/comments/{b_id}", headers=auth),
    }
    got_through = {k: r.status_code for k, r in attempts.items() if r.status_code < 400}
    assert got_through == {}
    thread = quick.client.get("/api/v1/sites/other/comments", params={"thread": "t"}).json()
    assert [(c["id"], c["score"]) for c in thread["comments"]] == [(b_id, 0)]
