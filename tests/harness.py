"""A running app in-process, with helpers to set up sites and readers like a publisher would."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from html import unescape
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx2 as httpx
from starlette.testclient import TestClient

from comments.app import create_app
from comments.service import Service
from comments.settings import Settings

T = TypeVar("T")

PUBLIC = "http://testserver"
ORIGIN = "https://news.example"
ARTICLE = f"{ORIGIN}/world/belarus-russia-union"


class Harness:
    """The app behind a TestClient, plus a site `news` embedded on https://news.example."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._bodies = itertools.count(1)

    @classmethod
    @contextmanager
    def start(
        cls,
        database_url: str,
        *,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        **settings: Any,
    ) -> Iterator[Harness]:
        """Start the app (lifespan included) and create the site `news`."""
        values: dict[str, Any] = {
            "database_url": database_url,
            "public_url": PUBLIC,
            "secret_key": "s" * 32,
            "dev_login": True,
        } | settings
        extra = {"clock": clock} if clock else {}
        app = create_app(Settings(**values), demo=demo, **extra)
        with TestClient(app, base_url=PUBLIC) as client:
            harness = cls(client)
            harness.run(lambda s: s.sites.create("news", [ORIGIN]))
            yield harness

    @property
    def service(self) -> Service:
        """The app's service (for setting up state a test is not about)."""
        service: Service = self.client.app.state.context.service  # type: ignore[attr-defined]
        return service

    def run(self, work: Callable[[Service], Awaitable[T]]) -> T:
        """Run a coroutine against the service on the app's own event loop."""
        portal = self.client.portal
        assert portal is not None

        async def call() -> T:
            return await work(self.service)

        return portal.call(call)

    def token(self, user: str = "dev:alice", site: str = "news", **kwargs: Any) -> str:
        """A reader token for `user` (created when new) without the login dance."""

        async def work(s: Service) -> str:
            await s.sites.ensure_user(user, kwargs.pop("name", None))
            return await s.sessions.issue(user, site, **kwargs)

        return self.run(work)

    def moderator(self, user: str = "dev:mod", site: str = "news", role: str = "moderator") -> str:
        """An API token with a role on the site, as `comments tokens create --role` makes."""

        async def work(s: Service) -> str:
            await s.sites.ensure_user(user)
            await s.sites.grant(site, user, role)  # type: ignore[arg-type]
            return await s.sessions.issue(user, site, kind="api", role=role)  # type: ignore[arg-type]

        return self.run(work)

    def auth(self, token: str) -> dict[str, str]:
        """Headers carrying a bearer token."""
        return {"Authorization": f"Bearer {token}"}

    def post(
        self, token: str, body: str | None = None, thread: str = "union", **extra: Any
    ) -> httpx.Response:
        """POST a comment on site `news` (a fresh text unless given: repeats are held)."""
        body = body if body is not None else f"A fair point, number {next(self._bodies)}."
        payload = {"thread": thread, "body": body, "thread_url": ARTICLE} | extra
        return self.client.post(
            "/api/v1/sites/news/comments", json=payload, headers=self.auth(token)
        )

    def thread(self, thread: str = "union", token: str | None = None, **params: Any) -> Any:
        """GET a thread page as JSON."""
        headers = self.auth(token) if token else {}
        response = self.client.get(
            "/api/v1/sites/news/comments", params={"thread": thread} | params, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def dev_login(self, name: str, site: str = "news", origin: str = ORIGIN) -> dict[str, Any]:
        """The whole popup login with the dev provider; answers the page's login result."""
        start = self.client.get(
            "/auth/dev/login", params={"site": site, "origin": origin}, follow_redirects=False
        )
        assert start.status_code == 303, start.text
        form_page = self.client.get(start.headers["location"])
        assert form_page.status_code == 200, form_page.text
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form_page.text))
        fields = {k: unescape(v) for k, v in fields.items()} | {"name": name}
        granted = self.client.post("/auth/dev/authorize", data=fields, follow_redirects=False)
        assert granted.status_code == 303, granted.text
        callback = urlsplit(granted.headers["location"])
        finished = self.client.get(f"{callback.path}?{callback.query}")
        return login_result(finished.text)


def login_result(page: str) -> dict[str, Any]:
    """The JSON the callback page hands to its script."""
    match = re.search(r'<script type="application/json" id="login-result">(.*?)</script>', page)
    assert match, page
    result: dict[str, Any] = json.loads(match.group(1))
    return result
