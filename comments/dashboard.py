"""The moderators' dashboard at `/moderate`: its page, and its cookie session.

The dashboard is a first-party page on the service's origin. It logs in with the same
providers as the widget, but the login ends in an HttpOnly, SameSite=Lax session cookie
(`__Host-` prefixed over https) instead of a message; every write it makes carries a
CSRF token and an exact `Origin` (checked in `http.auth`).

Its ES modules come from the static folder's versioned URL and import the widget's shared
core through an import map naming the widget's versioned folder (immutable URLs, so a
release never mixes old and new files).
An import map is an inline script: the page's CSP allows exactly that one by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from comments.errors import ApiError, LoginRequired
from comments.http.auth import csrf_token, dashboard_viewer
from comments.http.client import client_address
from comments.http.context import context_of
from comments.http.cookies import NO_STORE, redirect_to_provider, session_cookie
from comments.http.errors import error_response
from comments.http.headers import STRICT_CSP
from comments.http.present import user_json
from comments.http.widget_files import PackedFiles

PAGE = Path(__file__).resolve().parent / "static" / "dashboard" / "index.html"


def folder(request: Request, public_url: str, name: str) -> str:
    """The versioned URL of the folder the app mounts as `name` ("widget", "static"):
    immutable, so a release never mixes old and new files; unversioned without one."""
    for route in request.app.routes:
        if isinstance(route, Mount) and route.name == name and isinstance(route.app, PackedFiles):
            return f"{public_url}{route.path}/v/{route.app.version}/"
    return f"{public_url}/{name}/"


def import_map(widget: str) -> str:
    """The page's import map: `@widget/…` is the widget's folder. Safe inside <script>."""
    return json.dumps({"imports": {"@widget/": widget}}).replace("<", "\\u003c")


def with_script_hash(policy: str, script: str) -> str:
    """`policy` allowing one inline script (the import map) by its SHA-256, nothing else."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return policy.replace("script-src 'self'", f"script-src 'self' 'sha256-{digest}'", 1)


async def page(request: Request) -> Response:
    """The dashboard's single page; its modules do the rest."""
    public_url = context_of(request).public_url
    imports = import_map(folder(request, public_url, "widget"))
    html = (
        PAGE.read_text(encoding="utf-8")
        .replace("__STATIC__", escape(folder(request, public_url, "static"), quote=True))
        .replace("__BASE__", escape(public_url, quote=True))
        .replace("__IMPORTS__", imports)
    )
    headers = {
        "Content-Security-Policy": with_script_hash(STRICT_CSP, imports),
        "Cache-Control": "no-store",
    }
    return HTMLResponse(html, headers=headers)


async def session(request: Request) -> Response:
    """Who is logged in, which sites they moderate, and their CSRF token."""
    viewer = await dashboard_viewer(request)
    if viewer is None:
        raise LoginRequired("Please log in to the dashboard.")
    context = context_of(request)
    sites = []
    for site in await context.service.sites.all():
        roles = await context.service.sessions.roles(site.name, viewer.user.id)
        if roles:
            sites.append({"name": site.name, "roles": sorted(roles)})
    name, _path, _secure = session_cookie(context.public_url)
    token = request.cookies[name]
    return JSONResponse(
        {
            "user": user_json(viewer.user),
            "sites": sites,
            "csrf_token": csrf_token(context.secret, token),
        },
        headers={"Cache-Control": "no-store"},
    )


async def providers(request: Request) -> Response:
    """The login providers, for the dashboard's login screen."""
    found = [{"id": p.id, "name": p.name} for p in context_of(request).service.logins.providers()]
    return JSONResponse({"providers": found})


async def login(request: Request) -> Response:
    """Start a dashboard login: the whole page goes to the provider and comes back."""
    context = context_of(request)
    try:
        start = await context.service.logins.start(
            request.path_params["provider"],
            None,
            context.origin,
            dashboard=True,
            address=client_address(request, context.trusted_networks),
        )
    except ApiError as error:
        return error_response(error)
    return redirect_to_provider(request, start.redirect_to, start.browser_secret, NO_STORE)


async def logout(request: Request) -> Response:
    """End the dashboard session (a CSRF-checked write like any other)."""
    viewer = await dashboard_viewer(request)
    if viewer is None:
        raise LoginRequired("There is no dashboard session.")
    context = context_of(request)
    name, path, secure = session_cookie(context.public_url)
    await context.service.sessions.revoke(request.cookies[name])
    response = Response(status_code=204)
    response.delete_cookie(name, path=path, secure=secure, httponly=True, samesite="lax")
    return response


ROUTES = [
    Route("/moderate", page, methods=["GET"]),
    Route("/moderate/session", session, methods=["GET"]),
    Route("/moderate/providers", providers, methods=["GET"]),
    Route("/moderate/login/{provider}", login, methods=["GET"]),
    Route("/moderate/logout", logout, methods=["POST"]),
]
