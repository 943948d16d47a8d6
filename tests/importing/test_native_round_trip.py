"""`comments export` then `comments import native`: a seeded site moved from SQLite into
PostgreSQL comes back row for row, minus what never leaves (secrets, e-mail addresses)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from comments.cli import main
from comments.models import SitePolicy
from comments.storage.schema import (
    audit,
    bans,
    comments,
    reports,
    roles,
    sites,
    threads,
    users,
    votes,
)
from tests.fixtures_services import PostgresServer
from tests.harness import Harness

TABLES = (sites, users, threads, comments, votes, reports, roles, bans, audit)


def seed(url: str) -> None:
    """A site with what a newsroom's site has after a while."""
    with Harness.start(url) as h:
        policy = SitePolicy(premoderation="new", rate_per_minute=0, rate_per_hour=0)
        h.run(lambda s: s.sites.update("news", policy=policy, sso_secret="x" * 40))
        mod = h.moderator("dev:mod", role="admin")
        alice, bob, carol = (h.token(f"dev:{n}", name=n.title()) for n in ("alice", "bob", "carol"))
        h.run(lambda s: s.deps.storage.set_email("dev:alice", "alice@example.com"))
        first = h.post(alice, "Будет ли союзное государство?").json()
        for comment in (first,):
            h.client.post(f"/api/v1/moderation/comments/{comment['id']}/decision",
                          json={"action": "approve"}, headers=h.auth(mod))  # fmt: skip
        reply = h.post(bob, "A reply, *with* markdown.", parent_id=first["id"]).json()
        rejection = {"action": "reject", "reason": "Off topic"}
        h.client.post(f"/api/v1/moderation/comments/{reply['id']}/decision",
                      json=rejection, headers=h.auth(mod))  # fmt: skip
        h.client.put(
            f"/api/v1/comments/{first['id']}/vote", json={"value": 1}, headers=h.auth(carol)
        )
        h.client.post(f"/api/v1/comments/{first['id']}/reports",
                      json={"reason": "spam", "note": "ads"}, headers=h.auth(carol))  # fmt: skip
        h.client.post("/api/v1/sites/news/bans",
                      json={"user_id": "dev:carol", "reason": "spam", "shadow": True},
                      headers=h.auth(mod))  # fmt: skip
        h.post(alice, "Second thread.", thread="other")


def rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, comparable across engines."""

    async def read() -> dict[str, list[dict[str, Any]]]:
        engine = create_async_engine(url)
        found: dict[str, list[dict[str, Any]]] = {}
        try:
            async with engine.connect() as conn:
                for table in TABLES:
                    order = list(table.primary_key.columns)
                    result = (await conn.execute(select(table).order_by(*order))).mappings()
                    found[table.name] = [_plain(dict(r)) for r in result]
        finally:
            await engine.dispose()
        return found

    return asyncio.run(read())


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        out[key] = value
    return out


@pytest.fixture
def postgres_url(pg_server: PostgresServer, pg_template: str) -> Iterator[str]:
    name = pg_server.create_database(template=pg_template)
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


def test_a_site_moves_from_sqlite_to_postgresql_row_for_row(
    sqlite_url: str, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    seed(sqlite_url)
    export = tmp_path / "news.jsonl"
    monkeypatch.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    assert main(["export", "--site", "news", str(export)]) == 0
    said = capsys.readouterr()
    assert "exported:" in said.out and "comments" in said.out
    lines = export.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "comments-export"
    assert "alice@example.com" not in export.read_text(encoding="utf-8")
    assert "x" * 40 not in export.read_text(encoding="utf-8")  # the SSO secret stays home

    monkeypatch.setenv("COMMENTS_DATABASE_URL", postgres_url)
    assert main(["import", "native", str(export), "--site", "news"]) == 0
    before, after = rows(sqlite_url), rows(postgres_url)
    for row in before["sites"]:
        row["sso_secret"] = None
    for row in before["users"]:
        row["email"] = None
    for table in TABLES:
        assert after[table.name] == before[table.name], table.name
    assert len(after["comments"]) == 3 and after["bans"] and after["audit"] and after["votes"]

    # Into a site that has threads: refused whole, with the reason.
    assert main(["import", "native", str(export), "--site", "news"]) == 1
    assert "has threads already" in capsys.readouterr().err
    assert rows(postgres_url) == after


def test_with_emails_the_addresses_go_along(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(sqlite_url)
    export = tmp_path / "news.jsonl"
    monkeypatch.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    assert main(["export", "--site", "news", "--with-emails", str(export)]) == 0
    assert "alice@example.com" in export.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"format": "something-else"}\n',
        b'{"format": "comments-export", "version": 99}\n',
        b'{"format": "comments-export", "version": 1}\n{"table": "nope", "row": {}}\n',
        b'{"format": "comments-export", "version": 1}\nnot json\n',
        b'{"format": "comments-export", "version": 1}\n{"table": "threads", "row": {"id": 5}}\n',
    ],
)
def test_a_broken_export_is_refused_and_nothing_is_written(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    monkeypatch.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    before = rows(sqlite_url)
    assert main(["import", "native", str(bad), "--site", "news"]) == 1
    err = capsys.readouterr().err
    assert "import failed, nothing written" in err and "Traceback" not in err
    assert rows(sqlite_url) == before
