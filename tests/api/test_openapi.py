"""The OpenAPI document describes the API, and the API keeps to it under generated input.

Schemathesis generates requests from the document the app serves (valid and invalid
ones) and sends them through the in-process client, as a reader of site `news` with a
real token: no answer may be a server error, every answer is JSON, every error has the
contract's one shape, and every status code is one the document lists.
"""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, reject, settings
from jsonschema import Draft202012Validator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from comments.app import create_app
from comments.settings import Settings
from tests.harness import ARTICLE, PUBLIC, Harness

DOCUMENT = "/api/v1/openapi.json"
CONTRACT_OPERATIONS = {
    ("/api/v1/sites/{site}/comments", "get"),
    ("/api/v1/sites/{site}/comments", "post"),
    ("/api/v1/comments/{comment_id}", "patch"),
    ("/api/v1/comments/{comment_id}", "delete"),
    ("/api/v1/comments/{comment_id}/vote", "put"),
    ("/api/v1/comments/{comment_id}/reports", "post"),
    ("/api/v1/sites/{site}/counts", "get"),
    ("/api/v1/me", "get"),
    ("/auth/providers", "get"),
    ("/auth/logout", "post"),
}
ERROR_CODES = {
    400: {"bad_request"},
    401: {"login_required"},
    403: {"forbidden", "banned", "thread_closed"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"conflict"},
    413: {"too_large"},
    422: {"invalid"},
    429: {"rate_limited"},
    503: {"unavailable"},
}


def test_document_is_valid_openapi_3_1_covering_the_contract(quick: Harness) -> None:
    response = quick.client.get(DOCUMENT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.1.")
    schemathesis.openapi.from_dict(document).validate()
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert CONTRACT_OPERATIONS <= operations, CONTRACT_OPERATIONS - operations
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["summary"] and operation["operationId"], (path, method)
            assert any(code.startswith("2") for code in operation["responses"]), (path, method)


def test_document_lists_the_comment_fields_the_widget_sends(quick: Harness) -> None:
    schemas = quick.client.get(DOCUMENT).json()["components"]["schemas"]
    assert set(schemas["PostBody"]["properties"]) == {
        "thread", "body", "parent_id", "thread_url", "thread_title", "notify"
    }  # fmt: skip
    assert schemas["PostBody"]["additionalProperties"] is False
    assert set(schemas["VoteBody"]["properties"]) == {"value"}
    assert schemas["ReportBody"]["properties"]["reason"]["enum"] == [
        "spam", "abuse", "off_topic", "other"
    ]  # fmt: skip
    error = schemas["Error"]["properties"]["error"]
    assert set(error["required"]) == {"code", "message"}


def served_document() -> dict[str, Any]:
    """The document as the app serves it (that route needs no database)."""
    app = create_app(Settings(public_url=PUBLIC, database_url="sqlite+aiosqlite:///:memory:"))
    document: dict[str, Any] = TestClient(app, base_url=PUBLIC).get(DOCUMENT).json()
    return document


SERVED = served_document()
# The site and the article are fixed so generated requests reach real handlers, not 404s.
schema = schemathesis.openapi.from_dict(
    SERVED,
    config=schemathesis.Config.from_dict(
        {
            "parameters": {"path.site": "news", "query.site": "news", "body.thread_url": ARTICLE},
            "generation": {"mode": "all"},
        }
    ),
)


def send(client: Any, case: Any, headers: dict[str, str]) -> httpx.Response:
    """Send a generated case through the app's in-process client."""
    kwargs = case.as_transport_kwargs(base_url=PUBLIC, headers=headers)
    assert not kwargs.pop("cookies", None)
    if "data" in kwargs:
        kwargs["content"] = kwargs.pop("data")
    try:
        response: httpx.Response = client.request(**kwargs)
    except httpx.InvalidURL:
        # The client itself refuses a URL that long; no browser sends one, and the server's
        # own limit on a request head (431) is tested in tests/http.
        reject()
    return response


def success_media(path: str, method: str) -> set[str]:
    """What the document says a success of this operation is (JSON, or the embed's HTML)."""
    operation = SERVED["paths"][path].get(method.lower(), {"responses": {}})
    return {
        media
        for code, answer in operation["responses"].items()
        if code.startswith("2")
        for media in answer.get("content", {})
    }


def assert_contract_shape(response: httpx.Response, media: set[str] | None = None) -> None:
    """JSON everywhere (but a success the document says is HTML); errors in the one shape
    with a code fitting the status."""
    if response.status_code == 204:
        assert response.content == b""
        return
    kind = response.headers["content-type"].split(";")[0]
    if response.status_code < 300 and kind in (media or set()) - {"application/json"}:
        assert "Traceback" not in response.text
        return
    assert kind == "application/json", response.text
    assert "Traceback" not in response.text
    data = response.json()
    if response.status_code < 400:
        return
    assert isinstance(data, dict) and set(data) == {"error"}, data
    error = data["error"]
    assert set(error) <= {"code", "message", "fields"}, error
    assert error["code"] in ERROR_CODES[response.status_code], error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if response.status_code == 422:
        assert isinstance(error.get("fields"), dict) and error["fields"], error


@pytest.fixture
def comment_ids(quick: Harness) -> dict[str, str]:
    """Comments to aim at: the fuzzer edits and deletes its own, votes on and reports another's."""
    own = quick.post(quick.token("dev:fuzzer"), "Mine.")
    other = quick.post(quick.token("dev:other"), "Theirs.")
    assert own.status_code == other.status_code == 201
    return {"PATCH": own.json()["id"], "DELETE": own.json()["id"], "*": other.json()["id"]}


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_keeps_its_contract_under_generated_requests(
    case: Any, quick: Harness, comment_ids: dict[str, str]
) -> None:
    if "comment_id" in case.path_parameters:
        case.path_parameters["comment_id"] = comment_ids.get(case.method, comment_ids["*"])
    token = quick.token("dev:fuzzer")  # a fresh one each time: logout revokes it
    response = send(quick.client, case, quick.auth(token))
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    assert_contract_shape(response, success_media(case.operation.path, case.method))


def test_the_reason_codes_are_one_published_list(quick: Harness) -> None:
    from comments.moderation import ReasonCode

    document = quick.client.get(DOCUMENT).json()
    published = document["components"]["schemas"]["ReasonCode"]["enum"]
    assert published == [code.value for code in ReasonCode]
    assert {"PROFANITY", "NEW_AUTHOR", "SURGE", "SHADOW_BANNED"} <= set(published)
