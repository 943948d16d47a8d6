"""Every string the API takes is checked before anything reaches PostgreSQL.

The cases come from the app's own OpenAPI document: every string field of every
operation (path and query parameters, JSON body properties at any depth, list items)
is sent with NUL, a lone surrogate and a C1 control, and identifiers (every string not
marked `x-text`) also with a right-to-left override and a zero-width space, by a
reader, a moderator and an admin. The answer is always a 4xx in the contract's shape —
422 naming the field, or 404 for a name nothing can have — and afterwards no row of any
table holds one of those characters. A field added tomorrow is covered the day it is.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import asyncpg
import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from comments.app import create_app
from comments.settings import Settings
from tests.fixtures_services import PostgresServer
from tests.harness import ARTICLE, ORIGIN, PUBLIC, Harness

DOCUMENT = "/api/v1/openapi.json"
PLACEHOLDER = "\ue000"  # stands in for the lone surrogate until the JSON text is written
EVERY_STRING = {"nul": "\x00", "lone-surrogate": PLACEHOLDER, "c1-control": "\x85"}
IDENTIFIERS_ONLY = {"rlo": "\u202e", "zero-width-space": "\u200b"}
FORBIDDEN = ("\x00", "\ud800", "\x85", "\u202e", "\u200b")

# Valid values, by field name, so that the bad character is the one thing wrong.
EXAMPLES: dict[str, str] = {
    "site": "news",
    "thread": "union",
    "thread_url": ARTICLE,
    "thread_title": "The union",
    "body": "A fair point.",
    "note": "Looks like spam.",
    "reason": "Off topic.",
    "user_id": "dev:bob",
    "author": "dev:bob",
    "q": "fair point",
    "token": "t" * 40,
    "origin": ORIGIN,
    "origins": ORIGIN,
    "sso_secret": "s" * 40,
    "classifier_url": "https://classifier.example/check",
    "classifier_secret": "c" * 40,
    "banned_words": "badword",
    "suspect_words": "iffy",
    "allowed_words": "scunthorpe",
    "blocked_domains": "spam.example",
    "allowed_domains": "news.example",
    "word": "scunthorpe",
    "lang": "ru",
}
PATTERNS = {"^[A-Z_]{1,40}$": "PROFANITY", "^[a-z][a-z0-9]{0,19}$": "dev"}
COMMENT_ID_FIELDS = {"comment_id", "parent_id", "parent", "ids", "cursor"}


def served_document() -> dict[str, Any]:
    """The document as the app serves it (that route needs no database)."""
    app = create_app(Settings(public_url=PUBLIC, database_url="sqlite+aiosqlite:///:memory:"))
    document: dict[str, Any] = TestClient(app, base_url=PUBLIC).get(DOCUMENT).json()
    return document


@dataclass(frozen=True)
class StringField:
    """One string an operation takes, and where it goes."""

    method: str
    path: str
    where: str  # "path", "query" or "body"
    trail: tuple[str | int, ...]  # property names and list indexes down to the string
    schema: dict[str, Any]  # the operation's body schema, or the parameter's
    text: bool  # free text (`x-text`): bidi and zero-width marks are welcome
    site: bool  # names a site (`x-site`): a bad one may be a 404

    @property
    def name(self) -> str:
        """The field's top-level name, as the error's `fields` names it."""
        return str(self.trail[0])

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.where}:" + ".".join(map(str, self.trail))


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _branch(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The schema itself, or the branch of an `X | None` that is not null."""
    schema = _resolve(schema, components)
    for option in schema.get("anyOf", ()):
        option = _resolve(option, components)
        if option.get("type") != "null":
            return option
    return schema


def _strings(
    schema: dict[str, Any], components: dict[str, Any], trail: tuple[str | int, ...],
    marks: frozenset[str],
) -> Iterator[tuple[tuple[str | int, ...], frozenset[str]]]:  # fmt: skip
    schema = _branch(schema, components)
    kind = schema.get("type")
    if kind == "string":
        yield trail, marks
    elif kind == "array":
        yield from _strings(schema["items"], components, (*trail, 0), marks)
    else:
        for name, prop in schema.get("properties", {}).items():
            found = marks | {mark for mark in ("x-text", "x-site") if prop.get(mark)}
            yield from _strings(prop, components, (*trail, name), frozenset(found))


def string_fields(document: dict[str, Any]) -> list[StringField]:
    """Every string field of every operation in the document."""
    components = document["components"]["schemas"]
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for param in operation["parameters"]:
                marks = frozenset(m for m in ("x-text", "x-site") if param["schema"].get(m))
                for trail, _marks in _strings(param["schema"], components, (param["name"],),
                                              marks):  # fmt: skip
                    found.append(StringField(method.upper(), path, param["in"], trail,
                                             param["schema"], "x-text" in marks,
                                             "x-site" in marks))  # fmt: skip
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            for trail, marks in _strings(body["schema"], components, (), frozenset()):
                found.append(StringField(method.upper(), path, "body", trail, body["schema"],
                                         "x-text" in marks, "x-site" in marks))  # fmt: skip
    return found


DOC = served_document()
FIELDS = string_fields(DOC)


def test_the_document_declares_exactly_the_free_text_fields() -> None:
    """Free text is the exception: a new string field is an identifier unless declared."""
    text = {str(f) for f in FIELDS if f.text}
    assert text == {
        "POST /api/v1/sites/{site}/comments body:body",
        "POST /api/v1/sites/{site}/comments body:thread_title",
        "POST /api/v1/sites/{site}/preview body:body",
        "PATCH /api/v1/comments/{comment_id} body:body",
        "POST /api/v1/comments/{comment_id}/reports body:note",
        "POST /api/v1/moderation/comments/{comment_id}/decision body:reason",
        "POST /api/v1/sites/{site}/moderation/bulk body:reason",
        "POST /api/v1/sites/{site}/bans body:reason",
        "POST /api/v1/sites/{site}/moderation/check body:body",
    }
    assert len(FIELDS) > 50  # path, query and body strings of some 30 operations


class Example:
    """Valid values for a schema, with the ids of the comment the harness posted."""

    def __init__(self, components: dict[str, Any], comment_id: str) -> None:
        self.components = components
        self.comment_id = comment_id

    def string(self, name: str, schema: dict[str, Any]) -> str:
        if name in COMMENT_ID_FIELDS:
            return self.comment_id
        pattern = schema.get("pattern")
        candidates = [EXAMPLES.get(name), PATTERNS.get(pattern or ""), "plain-value"]
        for value in candidates:
            if value is not None and (pattern is None or re.search(pattern, value)):
                return value
        pytest.fail(f"no example for {name} matching {pattern}: add one to EXAMPLES")

    def value(self, schema: dict[str, Any], name: str) -> Any:
        schema = _branch(schema, self.components)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "string":
            return self.string(name, schema)
        if kind == "array":
            return [self.value(schema["items"], name)]
        if kind in ("integer", "number"):
            return schema.get("minimum", 1)
        if kind == "boolean":
            return False
        properties = schema.get("properties", {})
        return {
            k: self.value(v, k) for k, v in properties.items() if k in schema.get("required", ())
        }

    def build(
        self, schema: dict[str, Any], trail: tuple[str | int, ...], bad: str, name: str
    ) -> Any:
        """A valid value for `schema` whose string at `trail` carries `bad` in its middle."""
        schema = _branch(schema, self.components)
        if not trail:
            clean = self.value(schema, name)
            middle = len(clean) // 2
            return clean[:middle] + bad + clean[middle + 1 :]
        step, rest = trail[0], trail[1:]
        if isinstance(step, int):
            return [self.build(schema["items"], rest, bad, name)]
        data = self.value(schema, name) if schema.get("type") == "object" else {}
        data[step] = self.build(schema["properties"][step], rest, bad, step)
        return data


def _json_text(data: Any) -> str:
    """JSON text, with the placeholder turned into the escape of a lone surrogate."""
    return json.dumps(data).replace("\\ue000", "\\ud800")


def _url_part(value: str) -> str:
    """Percent-encoded; a lone surrogate as the bytes a client would send (no UTF-8 has it)."""
    return quote(value, safe="").replace(quote(PLACEHOLDER), "%ED%A0%80")


def request_for(field: StringField, bad: str, example: Example, token: str) -> httpx.Request:
    """The operation with valid inputs everywhere but the one bad string."""
    path = field.path
    operation = DOC["paths"][field.path][field.method.lower()]
    query: list[tuple[str, str]] = []
    for param in operation["parameters"]:
        is_target = param["name"] == field.name and param["in"] == field.where
        if not (is_target or param["required"]):
            continue
        if is_target:
            value = example.build(param["schema"], field.trail[1:], bad, field.name)
        else:
            value = example.value(param["schema"], param["name"])
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", _url_part(str(value)))
        else:
            query += [(param["name"], v) for v in (value if isinstance(value, list) else [value])]
    url = path + ("?" + urlencode(query, quote_via=lambda v, *_: _url_part(v)) if query else "")
    headers = {"Authorization": f"Bearer {token}"}
    content = None
    if field.where == "body" or "requestBody" in operation:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        if field.where == "body":
            data = example.build(schema, field.trail, bad, str(field.trail[-1]))
        else:
            data = example.value(schema, "body")
        content = _json_text(data)
        headers["Content-Type"] = "application/json"
    return httpx.Request(field.method, PUBLIC + url, content=content, headers=headers)


def assert_contract_error(response: httpx.Response) -> dict[str, Any]:
    """A 4xx in the contract's one JSON shape; answers the error."""
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == "application/json"
    data = response.json()
    assert set(data) == {"error"}, data
    error: dict[str, Any] = data["error"]
    assert set(error) <= {"code", "message", "fields"} and error["message"].strip(), error
    return error


@pytest.fixture(scope="module")
def pg_database(pg_server: PostgresServer, pg_template: str) -> Iterator[str]:
    """A migrated PostgreSQL database shared by the module (bad requests change nothing)."""
    name = pg_server.create_database(template=pg_template)
    yield name
    pg_server.drop_database(name)


@pytest.fixture(scope="module")
def pg_harness(pg_server: PostgresServer, pg_database: str) -> Iterator[Harness]:
    """The app on that database."""
    with Harness.start(pg_server.url(pg_database)) as h:
        yield h


@pytest.fixture(scope="module")
def callers(pg_harness: Harness) -> dict[str, str]:
    """A reader's widget token, and API tokens of a moderator and an admin of `news`."""
    return {
        "reader": pg_harness.token("dev:alice"),
        "moderator": pg_harness.moderator("dev:mod", role="moderator"),
        "admin": pg_harness.moderator("dev:boss", role="admin"),
    }


@pytest.fixture(scope="module")
def example(pg_harness: Harness) -> Example:
    """Valid values, aimed at a published comment by Bob."""
    posted = pg_harness.post(pg_harness.token("dev:bob"), "Bob's view.")
    assert posted.status_code == 201, posted.text
    return Example(DOC["components"]["schemas"], posted.json()["id"])


async def _rows_with_forbidden_characters(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        found = []
        for table in tables:
            name = table["table_name"]
            rows = await conn.fetch(f'SELECT t::text AS row FROM "{name}" t')  # noqa: S608 (catalog names)
            for row in rows:
                if any(char in row["row"] for char in FORBIDDEN):
                    found.append(f"{name}: {row['row'][:200]!r}")
        return found
    finally:
        await conn.close()


def answers_as(field: StringField, status: int) -> tuple[str, ...]:
    """The media types the document gives this status of the operation (JSON unless it
    says otherwise: the embed fragment's success is HTML)."""
    operation = DOC["paths"][field.path][field.method.lower()]
    content = operation["responses"].get(str(status), {}).get("content", {})
    return tuple(content) or ("application/json",)


@pytest.mark.parametrize("field", FIELDS, ids=str)
def test_a_string_with_a_forbidden_character_is_refused_and_never_stored(
    pg_harness: Harness,
    pg_server: PostgresServer,
    pg_database: str,
    callers: dict[str, str],
    example: Example,
    field: StringField,
) -> None:
    values = EVERY_STRING | ({} if field.text else IDENTIFIERS_ONLY)
    for caller, token in callers.items():
        for label, bad in values.items():
            response = pg_harness.client.send(request_for(field, bad, example, token))
            where = f"{field} with {label} as {caller}"
            assert response.status_code < 500, (where, response.text[:300])
            if field.where != "body" and bad == PLACEHOLDER:
                # A URL cannot carry a lone surrogate: its bytes arrive as U+FFFD, plain text.
                kind = response.headers.get("content-type", "application/json")
                documented = answers_as(field, response.status_code)
                assert response.status_code == 204 or kind.startswith(documented), where
                continue
            error = assert_contract_error(response)
            if field.where == "path" or field.site:
                assert response.status_code in (404, 422), (where, error)
            elif caller == "admin":  # allowed to do it: only the bad string can stop it
                assert response.status_code == 422, (where, error)
                assert {name.split(".")[0] for name in error["fields"]} == {field.name}, where
            else:
                assert response.status_code in (401, 403, 404, 422), (where, error)
                if response.status_code == 422:
                    assert field.name in {name.split(".")[0] for name in error["fields"]}
    dsn = pg_server.dsn(pg_database)
    assert asyncio.run(_rows_with_forbidden_characters(dsn)) == []


def _cursor(cursor_id: str) -> str:
    raw = json.dumps({"i": cursor_id, "s": 0}).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("hidden", ["\x00", "\ud800", "\x85", "\u202e", "\u200b", "a\nb"])
def test_a_cursor_that_decodes_to_a_forbidden_character_is_invalid(
    pg_harness: Harness, hidden: str
) -> None:
    response = pg_harness.client.get(
        "/api/v1/sites/news/comments", params={"thread": "union", "cursor": _cursor(hidden)}
    )
    error = assert_contract_error(response)
    assert response.status_code == 422 and set(error["fields"]) == {"cursor"}, error


def test_scripts_and_emoji_in_free_text_are_kept(pg_url: str) -> None:
    from comments.storage.migrate import upgrade

    upgrade(pg_url)
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined by ZWJ
    body = f"Our {family} agrees: \u05e9\u05dc\u05d5\u05dd\u200f (shalom), said \u2067Dana\u2069."
    with Harness.start(pg_url) as h:
        alice = h.token("dev:alice")
        posted = h.post(alice, body, thread_title="\u05d7\u05d3\u05e9\u05d5\u05ea\u200f")
        assert posted.status_code == 201, posted.text
        assert posted.json()["status"] == "approved"
        shown = h.thread()["comments"][0]
        assert family in shown["html"] and "\u200f" in shown["html"]
        assert h.thread()["thread"]["title"] == "\u05d7\u05d3\u05e9\u05d5\u05ea\u200f"
        comment_id = posted.json()["id"]
        report = h.client.post(
            f"/api/v1/comments/{comment_id}/reports",
            json={"reason": "other", "note": "Mentions \u2067Dana\u2069 by name"},
            headers=h.auth(h.token("dev:carol")),
        )
        assert report.status_code == 201, report.text
        ban = h.client.post(
            "/api/v1/sites/news/bans",
            json={"user_id": "dev:carol", "reason": "\u05e1\u05e4\u05d0\u05dd\u200f spam"},
            headers=h.auth(h.moderator()),
        )
        assert ban.status_code == 201, ban.text
        assert ban.json()["ban"]["reason"] == "\u05e1\u05e4\u05d0\u05dd\u200f spam"
