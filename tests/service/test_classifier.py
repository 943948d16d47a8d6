"""The external classifier hook, against a real HTTP server on loopback."""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from comments.classifier import sign
from comments.models import SitePolicy
from tests.harness import Harness

SECRET = "classifier-secret-0123456789"


class Newsroom(BaseHTTPRequestHandler):
    """A newsroom's model: rejects "spam", holds "borderline", times out on "slow"."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Comments-Timestamp"]
        valid = hmac.compare_digest(
            self.headers["X-Comments-Signature"], sign(SECRET, timestamp, body)
        )
        payload = json.loads(body)
        self.seen.append({"valid": valid, "payload": payload})
        text = payload["body"]
        if "slow" in text:
            time.sleep(1.0)
        if "broken" in text:
            self.send_response(500)
            self.end_headers()
            return
        action = "reject" if "spam" in text else "hold" if "borderline" in text else "allow"
        answer = json.dumps({"action": action, "reason": f"Model says {action}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def classifier_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Newsroom)
    Newsroom.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/classify"
    server.shutdown()
    server.server_close()


def test_classifier_verdicts_reach_the_comment_and_failures_hold_it(
    quick: Harness, classifier_url: str
) -> None:
    policy = SitePolicy(
        classifier_url=classifier_url,
        classifier_secret=SECRET,
        classifier_timeout_ms=300,
        rate_per_minute=0,
    )
    quick.run(lambda s: s.sites.update("news", policy=policy))
    token = quick.token()
    cases = {
        "A thoughtful remark": "approved",
        "Buy spam pills": "rejected",
        "A borderline joke": "pending",
        "Please be slow": "pending",
        "Something broken": "pending",
    }
    for text, status in cases.items():
        posted = quick.post(token, text)
        assert posted.status_code == 201, posted.text
        assert posted.json()["status"] == status, text
    assert all(call["valid"] for call in Newsroom.seen)
    assert Newsroom.seen[0]["payload"] == {
        "site": "news",
        "author": "dev:alice",
        "body": "A thoughtful remark",
    }
    held = quick.post(token, "Another borderline joke").json()
    assert held["moderation"]["reasons"][0] == {"code": "CLASSIFIER", "message": "Model says hold"}
    own = quick.thread(token=token)["viewer"]["own"]
    slow = [c for c in own if c.get("body") == "Please be slow"]
    assert slow[0]["moderation"]["reasons"][0]["code"] == "CLASSIFIER_UNAVAILABLE"


def test_classifier_secret_is_write_only(quick: Harness, classifier_url: str) -> None:
    admin = quick.moderator("dev:boss", role="admin")
    url = "/api/v1/sites/news/settings"
    policy = quick.client.get(url, headers=quick.auth(admin)).json()["policy"]
    policy |= {"classifier_url": classifier_url, "classifier_secret": SECRET}
    saved = quick.client.put(url, json={"policy": policy}, headers=quick.auth(admin))
    assert saved.status_code == 200, saved.text
    assert SECRET not in saved.text and saved.json()["classifier_secret_set"] is True
    again = saved.json()["policy"] | {"max_links": 2}
    kept = quick.client.put(url, json={"policy": again}, headers=quick.auth(admin))
    assert kept.json()["classifier_secret_set"] is True
    bad = quick.client.put(
        url,
        json={"policy": again | {"classifier_url": "http://evil.example"}},
        headers=quick.auth(admin),
    )
    assert bad.status_code == 422
