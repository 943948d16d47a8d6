"""`COMMENTS_LOG_FORMAT=json`: the server's lines are JSON objects, each request's lines
carry its id, and a wrong value stops the command with one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.test_cli import PYTHON, comments
from tests.test_metrics import free_port


def test_a_request_logs_json_lines_carrying_its_request_id(tmp_path: Path) -> None:
    env = {
        "COMMENTS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/logs.db",
        "COMMENTS_SECRET_KEY": "k" * 32,
        "COMMENTS_LOG_FORMAT": "json",
    }
    assert comments("migrate", env=env).returncode == 0
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTS_")} | env
    server = subprocess.Popen(
        [PYTHON, "-m", "comments", "serve", "--port", str(port)],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        response = _first_answer(f"http://127.0.0.1:{port}/api/v1/sites/nowhere/comments?thread=a")
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert response.status_code == 404
    request_id = response.headers["x-request-id"]
    lines: list[dict[str, Any]] = [json.loads(line) for line in output.splitlines() if line]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert mine, output
    access = [line for line in mine if line["logger"] == "uvicorn.access"]
    assert access and '"GET /api/v1/sites/nowhere/comments HTTP/1.1" 404' in access[0]["message"]
    assert "thread=a" not in output  # the query is still cut from the access line
    assert any("request_id" not in line for line in lines)  # the start-up, outside requests


def _first_answer(url: str) -> httpx.Response:
    """The answer to `url` once the server listens."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_wrong_log_format_stops_the_command_with_one_line(tmp_path: Path) -> None:
    env = {
        "COMMENTS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/logs.db",
        "COMMENTS_LOG_FORMAT": "xml",
    }
    out = comments("migrate", env=env)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "comments: COMMENTS_LOG_FORMAT: must be text or json"
    ]
