"""Outages answer 503 and bugs 500, in the contract's JSON, logged once, connection kept.

The keep-alive tests run the app under a real uvicorn: a server that saw an exception
escape the app closes the connection, which a client only notices as a fresh one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import httpx2 as httpx
import pytest
import redis.exceptions
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.harness import Harness
from tests.live import LiveServer


async def whoami(request: Request) -> Response:
    """The client's port as the server saw it: the same port is the same connection."""
    assert request.client is not None
    return JSONResponse({"port": request.client.port})


async def database_down(request: Request) -> Response:
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "Connection refused"))


async def database_dropped(request: Request) -> Response:
    closed = Exception("server closed the connection unexpectedly")
    raise DBAPIError("SELECT 1", {}, closed, connection_invalidated=True)


class StartingUp(Exception):
    """What a PostgreSQL that is still recovering answers, as the driver adapter wraps it."""

    sqlstate = "57P03"


async def database_starting(request: Request) -> Response:
    error = StartingUp("the database system is not yet accepting connections")
    raise DBAPIError("SELECT 1", {}, error)


async def duplicate_row(request: Request) -> Response:
    raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: sites.name"))


async def redis_down(request: Request) -> Response:
    raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:1. Refused.")


async def redis_loading(request: Request) -> Response:
    raise redis.exceptions.BusyLoadingError("Redis is loading the dataset in memory")


async def outage_in_a_task_group(request: Request) -> Response:
    raise ExceptionGroup("task group", [ConnectionRefusedError(111, "Connection refused")])


async def bug(request: Request) -> Response:
    raise RuntimeError("a bug the tests planted")


TEST_ROUTES = [
    Route("/test/whoami", whoami),
    Route("/test/database-down", database_down),
    Route("/test/database-dropped", database_dropped),
    Route("/test/database-starting", database_starting),
    Route("/test/duplicate-row", duplicate_row),
    Route("/test/redis-down", redis_down),
    Route("/test/redis-loading", redis_loading),
    Route("/test/outage-in-a-task-group", outage_in_a_task_group),
    Route("/test/bug", bug),
]


@pytest.fixture
def live(serve_app: Callable[..., LiveServer]) -> LiveServer:
    """The app under uvicorn, with routes that fail the ways production does."""
    server = serve_app(demo=False)
    server.server.config.app.router.routes.extend(TEST_ROUTES)
    return server


@pytest.fixture
def planted(quick: Harness) -> Harness:
    """The app in process, with the same failing routes."""
    quick.client.app.router.routes.extend(TEST_ROUTES)  # type: ignore[attr-defined]
    return quick


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record, the server's own included (uvicorn's logger does not propagate)."""
    server_logger = logging.getLogger("uvicorn")
    server_logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    try:
        yield caplog
    finally:
        server_logger.removeHandler(caplog.handler)


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info or r.exc_text]


def _about(caplog: pytest.LogCaptureFixture, rid: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if rid in r.getMessage()]


def test_after_a_503_and_a_500_the_same_connection_serves_the_next_request(
    live: LiveServer, logs: pytest.LogCaptureFixture
) -> None:
    with httpx.Client(base_url=live.url) as client:
        port = client.get("/test/whoami").json()["port"]
        for path, status in (
            ("/test/database-down", 503),
            ("/test/redis-down", 503),
            ("/test/outage-in-a-task-group", 503),
            ("/test/bug", 500),
            ("/test/duplicate-row", 500),
        ):
            failed = client.get(path)
            assert failed.status_code == status, (path, failed.text)
            assert failed.headers.get("connection", "").lower() != "close", path
            assert client.get("/test/whoami").json()["port"] == port, path


def test_outage_answers_503_with_retry_after_and_logs_one_line(
    live: LiveServer, logs: pytest.LogCaptureFixture
) -> None:
    with httpx.Client(base_url=live.url) as client:
        for path in ("/test/database-down", "/test/redis-down", "/test/outage-in-a-task-group"):
            logs.clear()
            r = client.get(path)
            assert r.status_code == 503
            assert r.json() == {
                "error": {"code": "unavailable", "message": r.json()["error"]["message"]}
            }
            assert 1 <= int(r.headers["retry-after"]) <= 10
            rid = r.headers["x-request-id"]
            lines = _about(logs, rid)
            assert len(lines) == 1, [x.getMessage() for x in logs.records]
            assert "\n" not in lines[0].getMessage()
            assert not _tracebacks(logs), path


def test_bug_answers_500_naming_the_request_id_of_its_one_traceback(
    live: LiveServer, logs: pytest.LogCaptureFixture
) -> None:
    with httpx.Client(base_url=live.url) as client:
        r = client.get("/test/bug")
    assert r.status_code == 500
    rid = r.headers["x-request-id"]
    error = r.json()["error"]
    assert error["code"] == "internal" and error["request_id"] == rid
    assert "a bug the tests planted" not in r.text and "Traceback" not in r.text
    tracebacks = _tracebacks(logs)
    assert len(tracebacks) == 1, [x.getMessage() for x in logs.records]
    assert rid in tracebacks[0].getMessage()
    assert tracebacks[0].exc_info and "a bug the tests planted" in str(tracebacks[0].exc_info[1])


def test_a_dropped_database_connection_is_an_outage_a_broken_constraint_a_bug(
    planted: Harness,
) -> None:
    assert planted.client.get("/test/database-dropped").status_code == 503
    assert planted.client.get("/test/database-starting").status_code == 503
    assert planted.client.get("/test/redis-loading").status_code == 503
    broken = planted.client.get("/test/duplicate-row")
    assert broken.status_code == 500 and broken.json()["error"]["code"] == "internal"
    assert "UNIQUE" not in broken.text


def test_every_response_carries_a_request_id(planted: Harness) -> None:
    ids = set()
    for path in ("/test/whoami", "/api/v1/sites/news/counts?thread=a", "/nothing", "/test/bug"):
        r = planted.client.get(path)
        assert len(r.headers["x-request-id"]) >= 16, path
        ids.add(r.headers["x-request-id"])
    assert len(ids) == 4


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123_XYZ.7", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("two words", False),
        ("line\\nbreak", False),
        ("semi;colon", False),
    ],
)
def test_a_clients_request_id_is_kept_only_when_it_is_plain(
    planted: Harness, given: str, kept: bool
) -> None:
    r = planted.client.get("/test/whoami", headers={"X-Request-Id": given})
    assert (r.headers["x-request-id"] == given) is kept
    assert len(r.headers.get_list("x-request-id")) == 1


def test_openapi_document_lists_the_internal_error(planted: Harness) -> None:
    document = planted.client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/sites/{site}/comments"]["post"]
    assert {"500", "503"} <= set(operation["responses"])
    error = document["components"]["schemas"]["Error"]["properties"]["error"]
    assert "request_id" in error["properties"]
