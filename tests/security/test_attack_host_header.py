"""Attacks with the `Host` header and its proxy cousins on the URLs the service builds.

Every absolute URL the service builds starts with `COMMENTS_PUBLIC_URL`: the login's
redirect to the provider and its `redirect_uri`, the callback page's own links, the
dashboard's redirects, the OpenAPI document's server. A forged `Host`,
`X-Forwarded-Host`, `X-Forwarded-Proto`, `Forwarded` or URL-rewrite header must change
none of them, or an attacker could have a provider send codes to a host they control,
or poison a cache with links to one. Also the target origin of the login's message
comes from the login's state, never from the request that finishes it.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest

from comments.settings import load_settings
from tests.auth.providers import StrictOidcProvider
from tests.harness import ORIGIN, Harness, login_result
from tests.live import LiveServer

PUBLIC_URL = "http://comments.example"
EVIL = "evil.example"
FORGED = {
    "host": {"host": EVIL},
    "x-forwarded-host": {"x-forwarded-host": EVIL},
    "x-forwarded-all": {
        "x-forwarded-host": EVIL,
        "x-forwarded-proto": "https",
        "x-forwarded-port": "8443",
        "x-forwarded-prefix": "/evil",
    },
    "forwarded": {"forwarded": f"for=1.2.3.4;host={EVIL};proto=https"},
    "x-original-url": {"x-original-url": f"http://{EVIL}/", "x-rewrite-url": f"http://{EVIL}/"},
    "host-and-forwarded": {"host": EVIL, "x-forwarded-host": EVIL, "x-forwarded-proto": "https"},
}
CLIENT_ID, CLIENT_SECRET = "security-suite", "security-suite-secret"


@pytest.fixture
def h(sqlite_url: str, strict_oidc: StrictOidcProvider) -> Iterator[Harness]:
    """The app with a public URL other than the host the tests reach it by, and `newsroom`."""
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC_URL}/auth/newsroom/callback")
    environ = {
        "COMMENTS_OIDC_NEWSROOM_ISSUER": strict_oidc.issuer,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_ID": CLIENT_ID,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_SECRET": CLIENT_SECRET,
    }
    oidc = load_settings({"oidc_providers": "newsroom"}, environ=environ).oidc
    with Harness.start(sqlite_url, public_url=PUBLIC_URL, oidc=oidc) as harness:
        yield harness


def local(url: str) -> str:
    """The path and query of an absolute URL, to request it from the in-process app."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the dev authorize page's form."""
    return {k: unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}


def start(h: Harness, provider: str, headers: dict[str, str]) -> httpx.Response:
    r = h.client.get(
        f"/auth/{provider}/login", params={"site": "news", "origin": ORIGIN},
        headers=headers, follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    return r


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_login_redirect_and_its_redirect_uri_ignore_forged_hosts(
    h: Harness, strict_oidc: StrictOidcProvider, headers: dict[str, str]
) -> None:
    """Attack: `Host` header tricks on the login, to have codes sent to the attacker's host."""
    dev = start(h, "dev", headers).headers["location"]
    assert dev.startswith(f"{PUBLIC_URL}/auth/dev/authorize?")
    assert parse_qs(urlsplit(dev).query)["redirect_uri"] == [f"{PUBLIC_URL}/auth/dev/callback"]
    newsroom = start(h, "newsroom", headers).headers["location"]
    assert newsroom.startswith(strict_oidc.authorization_endpoint)
    redirect_uri = parse_qs(urlsplit(newsroom).query)["redirect_uri"]
    assert redirect_uri == [f"{PUBLIC_URL}/auth/newsroom/callback"]
    assert EVIL not in dev + newsroom


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_authorize_and_callback_pages_ignore_forged_hosts(
    h: Harness, headers: dict[str, str]
) -> None:
    """Attack: `Host` header tricks on the pages of the login popup (their links and form)."""
    authorize = h.client.get(local(start(h, "dev", {}).headers["location"]), headers=headers)
    assert f'action="{PUBLIC_URL}/auth/dev/authorize"' in authorize.text
    granted = h.client.post(
        "/auth/dev/authorize", data=form_fields(authorize.text) | {"name": "Ann"},
        headers=headers, follow_redirects=False,
    )  # fmt: skip
    assert granted.headers["location"].startswith(f"{PUBLIC_URL}/auth/dev/callback?")
    callback = h.client.get(local(granted.headers["location"]), headers=headers)
    assert callback.status_code == 200
    assert f'<script src="{PUBLIC_URL}/static/auth/callback.js"></script>' in callback.text
    assert EVIL not in authorize.text + granted.headers["location"] + callback.text


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"origin": f"https://{EVIL}"}, id="origin"),
        pytest.param({"referer": f"https://{EVIL}/article"}, id="referer"),
        pytest.param({"host": EVIL, "origin": f"http://{EVIL}"}, id="host-and-origin"),
    ],
)
def test_callback_target_origin_comes_from_the_login_never_the_request(
    h: Harness, headers: dict[str, str]
) -> None:
    """Attack: the callback's target origin steered by the request that finishes the login."""
    authorize = h.client.get(local(start(h, "dev", {}).headers["location"]))
    granted = h.client.post(
        "/auth/dev/authorize", data=form_fields(authorize.text) | {"name": "Ann"},
        follow_redirects=False,
    )  # fmt: skip
    page = h.client.get(local(granted.headers["location"]), headers=headers)
    assert login_result(page.text)["origin"] == ORIGIN


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_dashboard_redirects_ignore_forged_hosts(h: Harness, headers: dict[str, str]) -> None:
    """Attack: `Host` header tricks on the dashboard's login, to land it on another host."""
    started = h.client.get("/moderate/login/dev", headers=headers, follow_redirects=False)
    assert started.headers["location"].startswith(f"{PUBLIC_URL}/auth/dev/authorize?")
    fields = parse_qs(urlsplit(started.headers["location"]).query)
    form = {k: v[0] for k, v in fields.items()} | {"name": "Mona"}
    granted = h.client.post("/auth/dev/authorize", data=form, follow_redirects=False)
    done = h.client.get(local(granted.headers["location"]), headers=headers, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"{PUBLIC_URL}/moderate"
    page = h.client.get("/moderate", headers=headers)
    assert EVIL not in page.text


@pytest.mark.parametrize("headers", [{}, *FORGED.values()], ids=["none", *FORGED.keys()])
def test_openapi_server_is_the_public_url_whatever_the_host(
    h: Harness, headers: dict[str, str]
) -> None:
    """Attack: `Host` header tricks on the OpenAPI document, to point its clients elsewhere."""
    document = h.client.get("/api/v1/openapi.json", headers=headers).json()
    assert document["servers"] == [{"url": PUBLIC_URL}]


def raw_get(server: LiveServer, target: str, host: str, extra: str = "") -> str:
    """One request written by hand on a socket; answers the response head."""
    port = urlsplit(server.url).port
    assert port is not None
    request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")


def test_real_server_behind_a_trusted_proxy_ignores_forged_hosts(
    serve_app: Callable[..., LiveServer],
) -> None:
    """Attack: `Host` header tricks through a trusted proxy, on a real server socket.

    The proxy's own address is trusted (`COMMENTS_TRUSTED_PROXIES`), as in production:
    it may name the client's address, never the service's host. The last request uses
    an absolute-form target naming the attacker's host.
    """
    server = serve_app(dev_login=True, trusted_proxies=("127.0.0.1/32",))
    login = f"/auth/dev/login?site=demo&origin={server.url}"
    forwarded = (
        f"X-Forwarded-Host: {EVIL}\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 1.2.3.4\r\n"
    )
    heads = [
        raw_get(server, login, EVIL),
        raw_get(server, login, "127.0.0.1", forwarded),
        raw_get(server, f"http://{EVIL}{login}", EVIL),
    ]
    for head in heads:
        status = head.split(" ", 2)[1]
        location = re.search(r"(?im)^location: (.*)$", head)
        if status == "303":
            assert location and location.group(1).startswith(f"{server.url}/auth/dev/authorize?")
        else:
            assert status.startswith("4"), head
        assert EVIL not in (location.group(1) if location else "")


def test_json_answers_ignore_forged_hosts(h: Harness) -> None:
    """Attack: `Host` header tricks on the API's answers (providers, a posted comment)."""
    token = h.token("dev:ann")
    answers = [
        h.client.get("/auth/providers", params={"site": "news"}, headers=FORGED["host"]),
        h.client.post(
            "/api/v1/sites/news/comments",
            json={"thread": "union", "body": "No link at all.", "thread_url": ORIGIN + "/a"},
            headers=h.auth(token) | FORGED["host-and-forwarded"],
        ),
    ]
    assert answers[1].status_code == 201, answers[1].text
    for answer in answers:
        assert EVIL not in answer.text
