"""The small HTML pages of the login popup. Every dynamic value is escaped.

They load only the service's own script and style (CSP `script-src 'self'`), refuse
framing, and send no referrer, so codes and tokens leak nowhere.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from starlette.responses import HTMLResponse

from comments.markup import script_safe

POPUP_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
POPUP_HEADERS = {
    "Content-Security-Policy": POPUP_CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    return script_safe(json.dumps(data))


def _page(base: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{escape(base)}/static/auth/login.css">
</head><body><main class="login">{body}</main></body></html>"""
    return HTMLResponse(html, status_code=status, headers=POPUP_HEADERS)


def result_page(base: str, result: dict[str, Any], status: int = 200) -> HTMLResponse:
    """The callback page: hands the result to callback.js, which posts it to the opener."""
    body = f"""<h1>Logging in…</h1>
<p id="status" role="status">One moment.</p>
<script type="application/json" id="login-result">{script_json(result)}</script>
<script src="{escape(base)}/static/auth/callback.js"></script>"""
    return _page(base, "Logging in", body, status)


def dev_login_page(base: str, action: str, params: dict[str, str]) -> HTMLResponse:
    """The dev provider's authorize page: type a name, press Log in."""
    hidden = "\n".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items()
    )
    body = f"""<h1>Demo login</h1>
<p class="warning">This login is for trying the service out: anyone can type any name.</p>
<form method="post" action="{escape(action)}">
{hidden}
<label for="name">Your name</label>
<input id="name" name="name" type="text" required maxlength="80" autocomplete="nickname" autofocus>
<button type="submit">Log in</button>
</form>"""
    return _page(base, "Demo login", body)
