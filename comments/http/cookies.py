"""The service's two cookies, both first-party, HttpOnly and SameSite=Lax.

- the login binding: ties a login's state record to the browser that started it;
- the dashboard session: the moderators' login on the service's own pages.
Over https without a path prefix both take the `__Host-` prefix.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from comments.http.context import context_of

LOGIN_COOKIE = "comments_login"
SESSION_COOKIE = "comments_session"
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _cookie(public_url: str, base: str, sub_path: str) -> tuple[str, str, bool]:
    parts = urlsplit(public_url)
    if parts.scheme == "https" and not parts.path:
        return "__Host-" + base, "/", True
    return base, (parts.path or "") + sub_path, parts.scheme == "https"


def login_cookie(public_url: str) -> tuple[str, str, bool]:
    """The login binding cookie's name, path and Secure flag."""
    return _cookie(public_url, LOGIN_COOKIE, "/auth/")


def session_cookie(public_url: str) -> tuple[str, str, bool]:
    """The dashboard session cookie's name, path and Secure flag."""
    return _cookie(public_url, SESSION_COOKIE, "/")


def redirect_to_provider(
    request: Request, target: str, browser_secret: str, headers: dict[str, str]
) -> Response:
    """Send the browser to the provider, binding the login to it with a cookie."""
    response = RedirectResponse(target, status_code=303, headers=headers)
    name, path, secure = login_cookie(context_of(request).public_url)
    response.set_cookie(
        name, browser_secret, max_age=600, path=path, secure=secure, httponly=True,
        samesite="lax",
    )  # fmt: skip
    return response


def forget_login(request: Request, response: Response) -> None:
    """The binding is single-use: drop it once the login finished."""
    name, path, secure = login_cookie(context_of(request).public_url)
    response.delete_cookie(name, path=path, secure=secure, httponly=True, samesite="lax")


def dashboard_login_finished(request: Request, token: str) -> Response:
    """Set the dashboard session cookie and go to the dashboard."""
    public = context_of(request).public_url
    response = RedirectResponse(f"{public}/moderate", status_code=303, headers=NO_STORE)
    name, path, secure = session_cookie(public)
    response.set_cookie(
        name, token, max_age=12 * 3600, path=path, secure=secure, httponly=True, samesite="lax"
    )
    forget_login(request, response)
    return response
