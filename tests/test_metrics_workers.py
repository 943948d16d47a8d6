"""`comments serve --workers 2`: the traffic series add up over both workers, whichever
of them a scrape reaches."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx2 as httpx

from tests.test_cli import PYTHON, comments
from tests.test_log_format import _first_answer
from tests.test_metrics import TOKEN, free_port, samples_with_labels

REQUESTS = 30


def test_every_scrape_counts_the_requests_of_every_worker(tmp_path: Path) -> None:
    env = {
        "COMMENTS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/workers.db",
        "COMMENTS_SECRET_KEY": "k" * 32,
        "COMMENTS_METRICS_TOKEN": TOKEN,
    }
    assert comments("migrate", env=env).returncode == 0
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTS_")} | env
    server = subprocess.Popen(
        [PYTHON, "-m", "comments", "serve", "--port", str(port), "--workers", "2"],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _first_answer(f"{base}/healthz").status_code == 200
        for _ in range(REQUESTS - 1):
            # A fresh connection each time: the kernel spreads them over the workers.
            assert httpx.get(f"{base}/healthz").status_code == 200
        scrapes = [
            httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            for _ in range(6)
        ]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    key = ("comments_http_requests_total", ("GET", "/healthz", "2xx"))
    for scrape in scrapes:
        assert scrape.status_code == 200
        assert samples_with_labels(scrape.text)[key] == REQUESTS
