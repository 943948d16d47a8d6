"""Login providers: each turns an authorization code into a verified identity.

State, PKCE and the browser binding are the service's job and are the same for every
provider; a provider only builds its authorize URL and exchanges a code.
"""

from comments.login.base import AuthorizeRequest, Identity, LoginRefused, Provider, pkce_challenge

__all__ = ["AuthorizeRequest", "Identity", "LoginRefused", "Provider", "pkce_challenge"]
