"""The service as a plugin: mounted under /comments inside a publisher's own Starlette site."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from comments.app import create_app
from comments.settings import Settings

ORIGIN = "https://news.example"


def test_mounted_app_serves_the_api_and_builds_urls_with_its_prefix(sqlite_url: str) -> None:
    comments = create_app(
        Settings(
            database_url=sqlite_url,
            public_url="https://news.example/comments",
            dev_login=True,
        )
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with comments.router.lifespan_context(comments):
            yield

    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse("The publisher's own home page")

    site = Starlette(routes=[Route("/", home), Mount("/comments", app=comments)], lifespan=lifespan)
    with TestClient(site, base_url="https://news.example") as client:
        assert client.get("/").text == "The publisher's own home page"
        service = comments.state.context.service
        client.portal.call(service.sites.create, "news", [ORIGIN])  # type: ignore[union-attr]
        token = client.portal.call(  # type: ignore[union-attr]
            lambda: _token(service)
        )
        posted = client.post(
            "/comments/api/v1/sites/news/comments",
            json={"thread": "t", "body": "Mounted!", "thread_url": f"{ORIGIN}/t"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert posted.status_code == 201, posted.text
        listed = client.get("/comments/api/v1/sites/news/comments", params={"thread": "t"})
        assert listed.json()["comments"][0]["html"] == "<p>Mounted!</p>"

        login = client.get(
            "/comments/auth/dev/login",
            params={"site": "news", "origin": ORIGIN},
            follow_redirects=False,
        )
        assert login.status_code == 303
        location = login.headers["location"]
        assert location.startswith("https://news.example/comments/auth/dev/authorize?")
        redirect_uri = parse_qs(urlsplit(location).query)["redirect_uri"][0]
        assert redirect_uri == "https://news.example/comments/auth/dev/callback"
        assert "Path=/comments/auth/" in login.headers["set-cookie"]
        assert client.get("/comments/widget/comments.js").status_code == 200
        spec = client.get("/comments/api/v1/openapi.json").json()
        assert spec["servers"] == [{"url": "https://news.example/comments"}]


async def _token(service: object) -> str:
    from comments.service import Service

    assert isinstance(service, Service)
    await service.sites.ensure_user("dev:alice")
    return await service.sessions.issue("dev:alice", "news")
