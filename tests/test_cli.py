"""The command line publishers script: sites, roles, tokens, migrate, settings errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
