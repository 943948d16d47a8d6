"""No page or script the service serves ever posts a message to any origin (`"*"`)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.harness import Harness

ROOT = Path(__file__).resolve().parents[2]
WILDCARD = re.compile(r"postMessage\s*\([^;]*?,\s*['\"`]\*['\"`]")


def test_no_served_script_posts_to_any_origin() -> None:
    served = [
        *ROOT.glob("widget/**/*.js"),
        *ROOT.glob("comments/static/**/*.js"),
        *ROOT.glob("comments/static/**/*.html"),
        *ROOT.glob("comments/**/*.py"),
    ]
    assert any(p.name == "callback.js" for p in served)
    offenders = [str(p) for p in served if WILDCARD.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_login_page_names_the_exact_origin(quick: Harness) -> None:
    result = quick.dev_login("Alice")
    assert result["origin"] == "https://news.example"
    script = quick.client.get("/static/auth/callback.js").text
    assert "postMessage(result.message, origin)" in script
    assert WILDCARD.search(script) is None
