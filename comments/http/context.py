"""The application context: what every handler may use, built once by the app factory.

Handlers read it through `context_of(request)`; it is the one entry the factory puts on
`app.state`, so nothing else hangs there and nothing is a global.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from comments.http.client import Network
from comments.ids import Clock
from comments.service import Service
from comments.settings import Settings


@dataclass(frozen=True)
class AppContext:
    """The service and the settings-derived values transport needs, typed."""

    service: Service
    settings: Settings
    public_url: str
    origin: str
    trusted_networks: tuple[Network, ...]
    secret: bytes
    clock: Clock


def context_of(connection: HTTPConnection) -> AppContext:
    """The context of the app serving this request (set when the app starts)."""
    context = getattr(connection.app.state, "context", None)
    if not isinstance(context, AppContext):
        raise RuntimeError("the app has not started: its lifespan builds the context")
    return context
