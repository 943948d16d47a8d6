"""The dashboard's first-party session and page: a cookie, the sites its moderator sees,
the widget core it imports, and a settings page that knows every policy field.

CSRF, Origin, cookie and framing attacks: tests/security/test_attack_dashboard.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import typing
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic.fields import FieldInfo

from comments.models import SitePolicy
from tests.harness import PUBLIC, Harness

ROOT = Path(__file__).resolve().parent.parent


def dashboard_login(h: Harness, name: str) -> dict[str, Any]:
    """Log in to the dashboard with the dev provider; answers /moderate/session."""
    start = h.client.get("/moderate/login/dev", follow_redirects=False)
    assert start.status_code == 303, start.text
    params = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    granted = h.client.post(
        "/auth/dev/authorize", data=params | {"name": name}, follow_redirects=False
    )
    callback = urlsplit(granted.headers["location"])
    done = h.client.get(f"{callback.path}?{callback.query}", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{PUBLIC}/moderate"
    cookie = done.headers["set-cookie"]
    assert cookie.startswith("comments_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    session = h.client.get("/moderate/session")
    assert session.status_code == 200, session.text
    return dict(session.json())


def test_dashboard_login_sets_a_session_cookie_and_lists_the_moderators_sites(
    quick: Harness,
) -> None:
    quick.token("dev:mona")
    quick.run(lambda s: s.sites.grant("news", "dev:mona", "moderator"))
    session = dashboard_login(quick, "Mona")
    assert session["user"]["id"] == "dev:mona"
    assert session["sites"] == [{"name": "news", "roles": ["moderator"]}]
    assert re.fullmatch(r"[0-9a-f]{64}", session["csrf_token"])


def test_dashboard_page_imports_the_versioned_widget_core_allowed_by_hash(quick: Harness) -> None:
    page = quick.client.get("/moderate")
    assert page.status_code == 200
    found = re.search(r'<script type="importmap">(.*?)</script>', page.text, re.S)
    assert found, "the page has no import map"
    folder = json.loads(found.group(1))["imports"]["@widget/"]
    assert re.fullmatch(rf"{PUBLIC}/widget/v/[0-9a-f]+/", folder)
    core = quick.client.get(folder.removeprefix(PUBLIC) + "core/http.js")
    assert core.status_code == 200 and "immutable" in core.headers["cache-control"]
    digest = base64.b64encode(hashlib.sha256(found.group(1).encode()).digest()).decode()
    script_src = next(
        part.split()[1:]
        for part in page.headers["content-security-policy"].split(";")
        if part.split()[:1] == ["script-src"]
    )
    assert script_src == ["'self'", f"'sha256-{digest}'"]  # that one inline script, no other
    assert 'type="module"' in page.text and "__IMPORTS__" not in page.text


def test_dashboard_modules_come_from_a_versioned_folder_packed_and_kept_for_good(
    quick: Harness,
) -> None:
    """The page names its script and styles at the static folder's versioned URL: a browser
    keeps them for a year (a release is a new URL) and gets them in brotli or gzip."""
    page = quick.client.get("/moderate")
    found = re.search(r'<script type="module" src="([^"]+)dashboard/main\.js"></script>', page.text)
    assert found, "the page names no module"
    folder = found.group(1).removeprefix(PUBLIC)
    assert re.fullmatch(r"/static/v/[0-9a-f]{12}/", folder), folder
    assert f'href="{PUBLIC}{folder}dashboard/dashboard.css"' in page.text
    source = (ROOT / "comments" / "static" / "dashboard" / "queue.js").read_bytes()
    for coding in ("br", "gzip"):
        # queue.js: imported by main.js, relative to it, so from the same versioned folder.
        r = quick.client.get(f"{folder}dashboard/queue.js", headers={"Accept-Encoding": coding})
        assert r.status_code == 200 and r.content == source
        assert r.headers["content-encoding"] == coding
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert int(r.headers["content-length"]) < len(source) / 2
    # Another version (a page from an earlier release) is no file; unversioned, briefly kept.
    other = quick.client.get("/static/v/000000000000/dashboard/queue.js")
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    plain = quick.client.get("/static/dashboard/queue.js", headers={"Accept-Encoding": "identity"})
    assert plain.content == source and plain.headers["cache-control"] == "public, max-age=300"
    assert "content-encoding" not in plain.headers


def _dashboard_policy_fields() -> dict[str, Any]:
    """POLICY_FIELDS of the dashboard's settings page, as its module defines them."""
    module = (ROOT / "comments" / "static" / "dashboard" / "policy.js").as_uri()
    show = "(m) => console.log(JSON.stringify(m.POLICY_FIELDS))"
    script = f"import({json.dumps(module)}).then({show})"
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return dict(json.loads(done.stdout))


def _bounds(info: FieldInfo) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in info.metadata:
        for name, key in (("ge", "min"), ("le", "max"), ("max_length", "max_length")):
            if getattr(item, name, None) is not None:
                found[key] = getattr(item, name)
    return found


def test_the_settings_page_knows_every_policy_field_with_the_servers_ranges() -> None:
    fields = _dashboard_policy_fields()
    policy = {n: i for n, i in SitePolicy.model_fields.items() if n != "profanity_action"}
    assert set(fields) == set(policy), "POLICY_FIELDS and SitePolicy differ"
    for name, info in policy.items():
        spec, bounds = fields[name], _bounds(info)
        args = typing.get_args(info.annotation)
        nullable = type(None) in args
        assert bool(spec.get("nullable")) == nullable, name
        assert spec.get("label") and spec.get("help"), f"{name} needs a label and help"
        if spec["kind"] in ("int", "number"):
            assert (spec["min"], spec["max"]) == (bounds["min"], bounds["max"]), name
        elif spec["kind"] == "choice":
            choices = typing.get_args(info.annotation)
            assert sorted(value for value, _words in spec["choices"]) == sorted(choices), name
        elif spec["kind"] == "lines":
            assert spec["maxItems"] == bounds["max_length"], name
        elif spec["kind"] in ("text", "secret"):
            assert spec["maxLength"] == bounds["max_length"], name
        else:
            assert spec["kind"] == "bool" and info.annotation is bool, name
