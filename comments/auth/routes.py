"""`/auth`: which providers a site offers, the login popup's two legs, and logout."""

from __future__ import annotations

import asyncio
import logging

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from comments.auth.pages import POPUP_HEADERS, dev_login_page, result_page
from comments.errors import ApiError, BadRequest, LoginRequired, NotFound
from comments.http.auth import bearer
from comments.http.client import client_address
from comments.http.context import context_of
from comments.http.cookies import (
    dashboard_login_finished,
    forget_login,
    login_cookie,
    redirect_to_provider,
)
from comments.http.errors import error_response
from comments.http.inputs import check_path, identifier, site_field, validated
from comments.http.present import user_json
from comments.http.routing import Endpoint, parse_query
from comments.service import Viewer
from comments.service.login import LoginResult

log = logging.getLogger(__name__)

LOGIN_COOKIE = "comments_login"


class ProvidersQuery(BaseModel):
    """The site asking."""

    model_config = ConfigDict(extra="forbid")

    site: str = site_field()


class SsoBody(BaseModel):
    """The publisher's signed token for a reader."""

    model_config = ConfigDict(extra="forbid")

    site: str = site_field()
    token: str = Field(min_length=1, max_length=8192)


class LoginQuery(BaseModel):
    """Where the login is for: the site and the exact origin of the embedding page."""

    model_config = ConfigDict(extra="ignore")

    site: str = site_field()
    origin: str = Field(min_length=1, max_length=300)


def _public(request: Request) -> str:
    return context_of(request).public_url


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _address(request: Request) -> str:
    return client_address(request, context_of(request).trusted_networks)


def _failure(request: Request, error: ApiError) -> Response:
    """Browsers in the popup get a readable page; scripts get the JSON error."""
    if _wants_html(request):
        page = result_page(_public(request), error.to_json(), status=error.status)
        if error.retry_after is not None:
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    return error_response(error)


async def providers(request: Request, query: ProvidersQuery) -> Response:
    """The login providers enabled for a site."""
    service = context_of(request).service
    site = await service.sites.get(query.site)
    found = [{"id": p.id, "name": p.name} for p in service.logins.providers(site)]
    return JSONResponse({"providers": found})


async def sso(request: Request, body: SsoBody) -> Response:
    """The publisher's own login: a signed JWT becomes a reader token for the site."""
    token, user = await context_of(request).service.sso.login(
        body.site, body.token, address=_address(request)
    )
    return JSONResponse(
        {"token": token, "user": user_json(user)}, headers={"Cache-Control": "no-store"}
    )


class LogoutBody(BaseModel):
    """Which logins to end: this token (the default), or every one of the caller's."""

    model_config = ConfigDict(extra="forbid")

    everywhere: bool = Field(
        False, description="End every session of the caller (all sites, all kinds) and streams"
    )


async def logout(request: Request, body: LogoutBody, viewer: Viewer) -> Response:
    """Revoke the bearer token, or every session of its user (the router checked it is live)."""
    sessions = context_of(request).service.sessions
    if body.everywhere:
        await sessions.revoke_everywhere(viewer.user.id)
        return Response(status_code=204)
    token = bearer(request)
    if token is None:  # the router found one; a narrowing for the type checker
        raise LoginRequired("There is no login to end.")
    await sessions.revoke(token)
    return Response(status_code=204)


async def login(request: Request) -> Response:
    """Start a login in the popup: state recorded, browser bound, off to the provider."""
    provider = request.path_params["provider"]
    try:
        check_path(request.path_params)
        query = parse_query(request, LoginQuery)
        assert isinstance(query, LoginQuery)
        start = await context_of(request).service.logins.start(
            provider, query.site, query.origin, address=_address(request)
        )
    except ApiError as error:
        return _failure(request, error)
    return redirect_to_provider(request, start.redirect_to, start.browser_secret, POPUP_HEADERS)


async def callback(request: Request) -> Response:
    """Finish the login and hand the token to the opener at the exact origin.

    Any answer naming a live state uses it up, the provider's refusals included.
    """
    provider = request.path_params["provider"]
    params = request.query_params
    logins = context_of(request).service.logins
    try:
        check_path(request.path_params)
        state = identifier("state", params.get("state", ""))
        if "error" in params:
            await logins.abandon(state)
            raise BadRequest("The login was cancelled or refused.")
        result: LoginResult = await logins.finish(
            provider,
            state,
            params.get("code", ""),
            request.cookies.get(login_cookie(_public(request))[0]),
            issuer=params.get("iss"),
        )
    except ApiError as error:
        return _failure(request, error)
    if result.purpose == "dashboard":
        return dashboard_login_finished(request, result.token)
    message = {
        "type": "comments:login",
        "site": result.site,
        "token": result.token,
        "user": {"id": result.user.id, "name": result.user.name,
                 "avatar_url": result.user.avatar_url},
    }  # fmt: skip
    response = result_page(_public(request), {"origin": result.origin, "message": message})
    forget_login(request, response)
    return response


class DevAuthorize(BaseModel):
    """The OAuth parameters the dev authorize page carries through its form."""

    model_config = ConfigDict(extra="ignore")

    redirect_uri: str = Field(max_length=2048)
    state: str = Field(min_length=1, max_length=100)
    code_challenge: str = Field(min_length=43, max_length=128)
    nonce: str = Field("", max_length=100)


def _dev_params(request: Request, data: dict[str, str]) -> DevAuthorize:
    if not context_of(request).service.logins.dev_enabled:
        raise NotFound("The dev login is not enabled.")
    return validated(DevAuthorize, data)


async def dev_authorize(request: Request) -> Response:
    """The dev provider's own authorize page (GET shows it, POST grants a code)."""
    try:
        if request.method == "GET":
            params = _dev_params(request, dict(request.query_params))
            action = f"{_public(request)}/auth/dev/authorize"
            return dev_login_page(_public(request), action, params.model_dump())
        seconds = context_of(request).settings.body_timeout_seconds
        try:
            async with asyncio.timeout(seconds):  # like every JSON body: no slow drip
                form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
        except TimeoutError:
            raise BadRequest(f"The form did not arrive within {seconds:g} s.") from None
        data = {k: v for k, v in form.items() if isinstance(v, str)}
        params = _dev_params(request, data)
        target = await context_of(request).service.logins.dev_grant(
            data.get("name", ""), params.redirect_uri, params.state, params.code_challenge
        )
    except ApiError as error:
        return _failure(request, error)
    return RedirectResponse(target, status_code=303, headers=POPUP_HEADERS)


ENDPOINTS = [
    Endpoint("GET", "/auth/providers", providers, "Login providers of a site", "auth",
             query=ProvidersQuery, errors=(404, 422)),
    Endpoint("POST", "/auth/sso", sso, "Publisher single sign-on", "auth", body=SsoBody,
             errors=(401, 403, 404, 422, 429)),
    Endpoint("POST", "/auth/logout", logout, "Log out (this token, or everywhere)", "auth",
             ok=204, body=LogoutBody, body_optional=True, auth="reader", errors=()),
]  # fmt: skip

ROUTES = [
    Route("/auth/dev/authorize", dev_authorize, methods=["GET", "POST"]),
    Route("/auth/{provider}/login", login, methods=["GET"]),
    Route("/auth/{provider}/callback", callback, methods=["GET"]),
]
