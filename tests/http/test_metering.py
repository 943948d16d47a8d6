"""Requests are counted per route template and status class, timed unless they stream."""

from __future__ import annotations

from collections.abc import AsyncIterator

from prometheus_client import CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from comments.http.metering import Metered
from comments.service.telemetry import Telemetry
from tests.test_metrics import samples_with_labels


def metered_app(telemetry: Telemetry) -> Starlette:
    async def one(request: Request) -> Response:
        return PlainTextResponse(request.path_params["item_id"])

    async def events(request: Request) -> Response:
        async def lines() -> AsyncIterator[bytes]:
            yield b"data: hello\n\n"

        return StreamingResponse(lines(), media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/items/{item_id}", one, methods=["GET"]),
            Route("/events", events, methods=["GET"]),
        ],
        middleware=[Middleware(Metered, telemetry_of=lambda scope: telemetry)],
    )


def scrape(telemetry: Telemetry) -> dict[tuple[str, tuple[str, ...]], float]:
    registry = CollectorRegistry()
    for collector in telemetry.collectors():
        registry.register(collector)
    return samples_with_labels(generate_latest(registry).decode())


def test_routes_are_labelled_by_template_and_streams_are_counted_untimed() -> None:
    telemetry = Telemetry()
    with TestClient(metered_app(telemetry)) as client:
        for item in ("a", "b", "c"):
            assert client.get(f"/items/{item}").status_code == 200
        assert client.post("/items/a").status_code == 405
        assert client.get("/nowhere/at/all").status_code == 404
        assert client.get("/events").text == "data: hello\n\n"
    found = scrape(telemetry)
    requests = "comments_http_requests_total"
    # labels sorted by name: method, route, status
    assert found[(requests, ("GET", "/items/{item_id}", "2xx"))] == 3
    assert found[(requests, ("POST", "/items/{item_id}", "4xx"))] == 1
    assert found[(requests, ("GET", "unmatched", "4xx"))] == 1
    assert found[(requests, ("GET", "/events", "2xx"))] == 1
    timed = "comments_http_request_duration_seconds_count"
    assert found[(timed, ("GET", "/items/{item_id}"))] == 3
    assert (timed, ("GET", "/events")) not in found
    assert not any("/items/a" in labels for _, labels in found)
