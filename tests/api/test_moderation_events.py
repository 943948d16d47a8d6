"""The queue's live stream: a held comment reaches a listening moderator at once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx2 as httpx

from tests.live import LiveServer

ORIGIN = "https://news.example"


def read_events(lines: Iterator[str], wanted: str) -> dict[str, Any]:
    """Read the SSE stream until an event named `wanted` arrives; answers its data."""
    event = None
    for line in lines:
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == wanted:
            return dict(json.loads(line.split(":", 1)[1]))
    raise AssertionError(f"the stream ended before {wanted}")


def test_held_comment_is_pushed_to_listening_moderators(
    serve_app: Callable[..., LiveServer], redis_clean_url: str
) -> None:
    app = serve_app(demo=False, redis_url=redis_clean_url)
    base = app.url
    with httpx.Client(base_url=base, timeout=10) as client:
        token = _cli_token(app, "dev:mod", "moderator")
        reader = _cli_token(app, "dev:reader", None)
        site = client.put(
            "/api/v1/sites/news/settings",
            json={"policy": {"premoderation": "all"}},
            headers={"Authorization": f"Bearer {_cli_token(app, 'dev:boss', 'admin')}"},
        )
        assert site.status_code == 200, site.text
        url = "/api/v1/sites/news/moderation/events"
        with client.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            read_events(lines, "ready")
            posted = client.post(
                "/api/v1/sites/news/comments",
                json={"thread": "live", "body": "Hold me", "thread_url": f"{ORIGIN}/live"},
                headers={"Authorization": f"Bearer {reader}"},
            )
            assert posted.json()["status"] == "pending"
            added = read_events(lines, "queue.added")
            assert added["item"]["comment"]["id"] == posted.json()["id"]
            counts = read_events(lines, "counts")
            assert counts["counts"]["pending"] == 1


def _cli_token(app: LiveServer, user: str, role: str | None) -> str:
    """A token made with the command line, as a publisher's script would."""
    import os
    import subprocess
    import sys

    env = os.environ | {"COMMENTS_DATABASE_URL": app.settings.database_url}
    if not getattr(app, "_news", False):
        subprocess.run(
            [sys.executable, "-m", "comments", "sites", "add", "news", "--origin", ORIGIN],
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        app._news = True  # type: ignore[attr-defined]
    args = ["tokens", "create", "--site", "news", "--user", user]
    if role:
        args += ["--role", role]
    done = subprocess.run(
        [sys.executable, "-m", "comments", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.split()[-1]
