"""A post's SQL budget on PostgreSQL: 8 statements when published, 10 when held.

Every statement the driver runs between the request's arrival and its answer is counted
(BEGIN and COMMIT are not statements SQLAlchemy sends through a cursor). The app runs
with `worker="external"`, so the dispatcher's own reads cannot blur the count, and the
site's cache and the connection pool are warm, as on a busy instance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from comments.models import SitePolicy
from tests.harness import ARTICLE, Harness

APPROVED_BUDGET = 8
HELD_BUDGET = 10


@pytest.fixture
def app(pg_url: str) -> Iterator[Harness]:
    from comments.storage.migrate import upgrade

    upgrade(pg_url)
    with Harness.start(pg_url, worker="external") as h:
        yield h


def _count_statements(h: Harness, send: Any) -> tuple[Any, list[str]]:
    engine = h.service.deps.storage._engine.sync_engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = send()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return response, seen


def _post(h: Harness, token: str, body: str, key: str | None = None) -> Any:
    headers = h.auth(token) | ({"Idempotency-Key": key} if key else {})
    payload = {"thread": "union", "body": body, "thread_url": ARTICLE}
    return h.client.post("/api/v1/sites/news/comments", json=payload, headers=headers)


@pytest.mark.parametrize("key", [None, "budget-key"])
def test_a_published_post_costs_at_most_eight_statements(app: Harness, key: str | None) -> None:
    reader = app.token()
    assert _post(app, reader, "Warming the caches up.").status_code == 201
    response, seen = _count_statements(
        app, lambda: _post(app, reader, "A second, published thought.", key)
    )
    assert response.status_code == 201 and response.json()["status"] == "approved"
    assert len(seen) <= APPROVED_BUDGET, "\n".join(seen)


@pytest.mark.parametrize("key", [None, "budget-key"])
def test_a_held_post_costs_at_most_ten_statements(app: Harness, key: str | None) -> None:
    app.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    reader = app.token()
    assert _post(app, reader, "Warming the caches up.").status_code == 201
    response, seen = _count_statements(
        app, lambda: _post(app, reader, "A second thought, to be reviewed.", key)
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert len(seen) <= HELD_BUDGET, "\n".join(seen)
