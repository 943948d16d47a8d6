"""The command line publishers script: sites, roles, tokens, migrate, worker, settings errors,
and the server limits `serve` and `demo` share."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from comments import app as app_module
from comments.cli import main, uvicorn_options
from comments.models import SitePolicy
from comments.settings import Settings
from comments.storage.sql import SqlStorage
from tests.harness import PUBLIC, Harness

PYTHON = sys.executable


def comments(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a publisher's script would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTS_")} | env
    return subprocess.run(
        [PYTHON, "-m", "comments", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"COMMENTS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db"}


def test_migrate_then_manage_sites_roles_and_tokens(env: dict[str, str]) -> None:
    assert comments("migrate", env=env).returncode == 0
    added = comments("sites", "add", "daily", "--origin", "https://daily.example/", env=env)
    assert added.returncode == 0, added.stderr
    again = comments("sites", "add", "daily", "--origin", "https://daily.example", env=env)
    assert again.returncode == 1 and "exists" in again.stderr
    updated = comments(
        "sites",
        "update",
        "daily",
        "--origin",
        "https://daily.example",
        "--origin",
        "https://m.daily.example",
        "--premod",
        "new",
        env=env,
    )
    assert updated.returncode == 0, updated.stderr
    listed = comments("sites", "list", env=env).stdout
    assert "daily\thttps://daily.example https://m.daily.example\tpremod=new" in listed
    token = comments(
        "tokens", "create", "--site", "daily", "--user", "dev:mod", "--role", "moderator", env=env
    )
    assert token.returncode == 0, token.stderr
    assert token.stdout.split()[-1].startswith("cmt_")
    granted = comments(
        "roles", "grant", "--site", "daily", "--user", "dev:mod", "--role", "admin", env=env
    )
    assert granted.returncode == 0, granted.stderr


def test_sites_update_sets_the_tiers_and_languages_and_refuses_unknown_ones(
    env: dict[str, str],
) -> None:
    assert comments("migrate", env=env).returncode == 0
    added = comments("sites", "add", "daily", "--origin", "https://d.example", env=env)
    assert added.returncode == 0, added.stderr
    updated = comments(
        "sites",
        "update",
        "daily",
        "--profanity-mild",
        "hold",
        "--profanity-slur",
        "reject",
        "--languages",
        "en,ru",
        env=env,
    )
    assert updated.returncode == 0, updated.stderr

    async def stored() -> SitePolicy:
        store = SqlStorage.from_url(env["COMMENTS_DATABASE_URL"])
        try:
            site = await store.get_site("daily")
            assert site is not None
            return site.policy
        finally:
            await store.close()

    policy = asyncio.run(stored())
    assert (policy.profanity_mild, policy.profanity_strong, policy.profanity_slur) == (
        "hold",
        "hold",
        "reject",
    )
    assert policy.profanity_languages == ("en", "ru")
    wrong = comments("sites", "update", "daily", "--languages", "en,xx", env=env)
    assert wrong.returncode == 2
    assert "profanity_languages" in wrong.stderr and "Traceback" not in wrong.stderr


def test_token_printed_by_the_cli_works_against_the_api(sqlite_url: str) -> None:
    env = {"COMMENTS_DATABASE_URL": sqlite_url}
    with Harness.start(sqlite_url) as h:
        out = comments(
            "tokens",
            "create",
            "--site",
            "news",
            "--user",
            "dev:bot",
            "--name",
            "Newsroom bot",
            "--role",
            "moderator",
            env=env,
        )
        assert out.returncode == 0, out.stderr
        token = out.stdout.split()[-1]
        me = h.client.get("/api/v1/me", params={"site": "news"}, headers=h.auth(token))
        assert me.status_code == 200
        assert me.json()["user"]["name"] == "Newsroom bot"
        assert me.json()["user"]["roles"] == ["moderator"]
        assert PUBLIC


def test_wrong_setting_stops_the_command_with_one_line(env: dict[str, str]) -> None:
    out = comments("migrate", env=env | {"COMMENTS_PUBLIC_URL": "nowhere"})
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "comments: COMMENTS_PUBLIC_URL: must be an absolute http or https URL"
    ]


def test_serve_refuses_to_start_without_a_secret_or_on_an_old_schema(env: dict[str, str]) -> None:
    no_secret = comments("serve", env=env)
    assert no_secret.returncode == 2 and "COMMENTS_SECRET_KEY" in no_secret.stderr
    old = comments("serve", env=env | {"COMMENTS_SECRET_KEY": "k" * 32})
    assert old.returncode == 1 and "comments migrate" in old.stderr


def test_unknown_site_is_a_clear_error(env: dict[str, str]) -> None:
    comments("migrate", env=env)
    out = comments(
        "roles", "grant", "--site", "nope", "--user", "dev:x", "--role", "admin", env=env
    )
    assert out.returncode == 1
    assert out.stderr.strip() == "comments: There is no such site."


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No COMMENTS_* setting from the caller leaks into an in-process `main()`."""
    for name in list(os.environ):
        if name.startswith("COMMENTS_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_serve_with_several_workers_and_no_secret_stops_with_one_line(
    clean_environ: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_environ.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    assert main(["serve", "--workers", "2"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("comments: COMMENTS_SECRET_KEY: must be set")


class Recorder:
    """Stands in for `uvicorn.run`: keeps what each command would have started."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []

    def __call__(self, app: Any, **options: Any) -> None:
        self.calls.append((app, options))


def test_serve_and_demo_start_uvicorn_with_the_same_limits(
    clean_environ: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    recorder = Recorder()
    clean_environ.setattr(uvicorn, "run", recorder)
    clean_environ.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    assert main(["demo", "--port", "8123"]) == 0
    clean_environ.setenv("COMMENTS_SECRET_KEY", "k" * 32)
    assert main(["serve", "--port", "8124"]) == 0
    assert main(["serve", "--port", "8125", "--workers", "2"]) == 0
    (_, demo), (_, single), (factory, several) = recorder.calls
    for options in (demo, single, several):
        assert uvicorn_options().items() <= options.items()
    assert factory == "comments.app:app_from_environment"
    assert several["factory"] is True and several["workers"] == 2
    assert (demo["port"], single["port"], several["port"]) == (8123, 8124, 8125)


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    """The smallest app: the limits under test belong to the server, not to the app."""
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


@contextmanager
def served_with_our_options() -> Iterator[int]:
    """`hello` under uvicorn with `uvicorn_options()`, on a port the kernel chose."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(hello, **uvicorn_options(), log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    started = threading.Event()
    while not started.wait(0.01):
        if server.started:
            started.set()
        elif not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def ask(port: int, header_size: int) -> bytes:
    """One raw request with a header of `header_size` bytes; the answer, empty if reset."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        head = b"GET / HTTP/1.1\r\nHost: news.example\r\nX-Filler: "
        try:
            client.sendall(head + b"a" * header_size + b"\r\nConnection: close\r\n\r\n")
            while chunk := client.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # it hung up on the rest of the header: refused as well
    return answer


def test_a_megabyte_header_is_refused_and_the_server_does_not_name_itself() -> None:
    with served_with_our_options() as port:
        ordinary = ask(port, 1000)
        assert ordinary.startswith(b"HTTP/1.1 200 ")
        assert b"\r\nserver:" not in ordinary.lower()
        huge = ask(port, 1024 * 1024)
        assert huge.startswith(b"HTTP/1.1 431 "), huge[:200]
        assert ask(port, 1000).startswith(b"HTTP/1.1 200 ")


def test_worker_is_refused_in_one_line_when_this_build_has_none(
    clean_environ: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_environ.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    clean_environ.delattr(app_module, "run_worker", raising=False)
    assert main(["worker"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_worker_runs_the_delivery_worker_with_the_settings(
    clean_environ: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    seen: list[Settings] = []

    async def run_worker(settings: Settings) -> None:
        seen.append(settings)

    clean_environ.setenv("COMMENTS_DATABASE_URL", sqlite_url)
    clean_environ.setenv("COMMENTS_WORKER", "external")
    clean_environ.setattr(app_module, "run_worker", run_worker, raising=False)
    assert main(["worker"]) == 0
    assert [s.worker for s in seen] == ["external"]


def test_cache_flush_of_a_thread_needs_its_site(env: dict[str, str]) -> None:
    out = comments("cache", "flush", "--thread", "union", env=env)
    assert out.returncode == 2
    assert "--thread needs --site" in out.stderr.strip().splitlines()[-1]


def test_cache_flush_without_redis_says_it_cannot_reach_the_servers(env: dict[str, str]) -> None:
    comments("migrate", env=env)
    out = comments("cache", "flush", env=env)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "COMMENTS_REDIS_URL" in lines[0]


def test_cache_flush_empties_what_the_servers_cached(sqlite_url: str, redis_clean_url: str) -> None:
    env = {"COMMENTS_DATABASE_URL": sqlite_url, "COMMENTS_REDIS_URL": redis_clean_url}
    flush_union = ("cache", "flush", "--site", "news", "--thread", "union")
    with Harness.start(sqlite_url, redis_url=redis_clean_url) as h:
        reader = h.token()
        for thread in ("union", "elections"):
            assert h.post(reader, thread=thread).status_code == 201
            assert len(h.thread(thread)["comments"]) == 1  # computed once, cached since

        first = comments(*flush_union, env=env)
        assert first.returncode == 0, first.stderr
        said = first.stdout.strip()
        assert said.startswith("flushed ") and said.endswith("(thread union of site news)")
        assert int(said.split()[1]) >= 1, said
        again = comments(*flush_union, env=env)
        assert again.stdout.strip() == "flushed 0 cached entries (thread union of site news)"

        everything = comments("cache", "flush", env=env)
        assert everything.returncode == 0, everything.stderr
        assert everything.stdout.strip().endswith("(every site)")
        assert int(everything.stdout.split()[1]) >= 1  # the other thread's page was left

        assert len(h.thread("union")["comments"]) == 1  # computed again, same answer
        missing = comments("cache", "flush", "--site", "nope", env=env)
        assert missing.returncode == 1
        assert missing.stderr.strip() == "comments: There is no such site."
