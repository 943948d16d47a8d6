"""GitHub (OAuth 2 with PKCE): the code buys an access token, the token buys `/user`.

GitHub has no ID token, so the identity is what its API says for the token; the
subject is GitHub's numeric user id, which never changes when a login is renamed.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from comments.login.base import AuthorizeRequest, Identity, LoginRefused

TIMEOUT = 10.0


class GitHubProvider:
    """Log in with GitHub, or a GitHub Enterprise server."""

    id = "github"
    name = "GitHub"

    def __init__(self, client_id: str, client_secret: str, web_url: str, api_url: str) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._web = web_url.rstrip("/")
        self._api = api_url.rstrip("/")

    def _client(self, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self._client_id,
            client_secret=self._client_secret,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT,
        )

    async def prepare(self) -> None:
        """Nothing to discover."""

    async def check_issuer(self, issuer: str | None) -> None:
        """GitHub sends no `iss` (RFC 9207); one naming another server is refused.

        Mix-up is closed for GitHub by the state naming its provider and by one callback
        URL per provider; an `iss` that names someone else is a mix-up attempt.
        """
        if issuer is not None and issuer.rstrip("/") != self._web:
            raise LoginRefused("the answer names another issuer")

    def authorize_url(self, request: AuthorizeRequest) -> str:
        """GitHub's authorize page with state and the S256 challenge."""
        client = self._client(request.redirect_uri)
        url, _state = client.create_authorization_url(
            f"{self._web}/login/oauth/authorize",
            state=request.state,
            code_challenge=request.code_challenge,
            code_challenge_method="S256",
            scope="read:user",
            allow_signup="true",
        )
        return str(url)

    async def exchange(
        self, code: str, code_verifier: str, redirect_uri: str, nonce: str
    ) -> Identity:
        """Redeem the code with the verifier, then ask the API who the token belongs to."""
        async with self._client(redirect_uri) as client:
            try:
                token = await client.fetch_token(
                    f"{self._web}/login/oauth/access_token",
                    code=code,
                    code_verifier=code_verifier,
                    headers={"Accept": "application/json"},
                )
            except (OAuthError, ValueError) as exc:
                raise LoginRefused(f"token endpoint refused: {exc}") from None
            if not token.get("access_token"):
                raise LoginRefused("no access token")
            response = await client.get(
                f"{self._api}/user", headers={"Accept": "application/vnd.github+json"}
            )
        if response.status_code != 200:
            raise LoginRefused(f"/user answered {response.status_code}")
        user: dict[str, Any] = response.json()
        user_id = user.get("id")
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            raise LoginRefused("no numeric user id")
        login = str(user.get("login") or "")
        name = user.get("name") if isinstance(user.get("name"), str) else None
        avatar = user.get("avatar_url") if isinstance(user.get("avatar_url"), str) else None
        email = user.get("email") if isinstance(user.get("email"), str) else None
        return Identity(
            provider="github",
            subject=str(user_id),
            name=name or login or str(user_id),
            avatar_url=avatar,
            email=email,
        )
