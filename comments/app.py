"""The app factory: builds every engine once and wires the transport to the service.

`create_app(settings)` is the only place settings turn into objects. The app can run on
its own (`comments serve`) or be mounted under a prefix inside a publisher's own
Starlette or FastAPI site; every URL it builds comes from `COMMENTS_PUBLIC_URL`.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from comments import __version__, dashboard
from comments.api import allowed_words as allowed_words_api
from comments.api import comments as comments_api
from comments.api import embed as embed_api
from comments.api import live as live_api
from comments.api import me as me_api
from comments.api import metrics as metrics_api
from comments.api import moderation as moderation_api
from comments.api import notifications as notifications_api
from comments.api import origins as origins_api
from comments.api import preview as preview_api
from comments.api import stats as stats_api
from comments.api import users as users_api
from comments.api import webhooks as webhooks_api
from comments.auth import routes as auth_routes
from comments.cache import make_cache
from comments.demo import article, article_ru
from comments.http.client import parse_networks
from comments.http.context import AppContext, context_of
from comments.http.cors import SiteCors
from comments.http.errors import exception_handlers
from comments.http.fastpath import CachedReads
from comments.http.headers import SecurityHeaders
from comments.http.metering import Metered
from comments.http.request_id import RequestId
from comments.http.routing import Endpoint, openapi, to_route
from comments.http.widget_files import PackedFiles, WidgetFiles
from comments.ids import Clock, IdFactory, utc_now
from comments.login import Provider
from comments.login.dev import DevProvider
from comments.login.github import GitHubProvider
from comments.login.oidc import OidcProvider
from comments.moderation import ReasonCode
from comments.pages import make_pages
from comments.realtime import make_broker, make_event_log
from comments.service import Deps, Service, ServiceConfig
from comments.service.mail import MailConfig
from comments.service.notices import Noticer
from comments.service.smtp import MailSender
from comments.service.telemetry import Telemetry
from comments.service.webhooks import WebhookSender
from comments.settings import Settings
from comments.storage.sql import SqlStorage

log = logging.getLogger("comments")

PACKAGE = Path(__file__).resolve().parent
ENDPOINTS: list[Endpoint] = [
    *comments_api.ENDPOINTS,
    *embed_api.ENDPOINTS,
    *me_api.ENDPOINTS,
    *notifications_api.ENDPOINTS,
    *preview_api.ENDPOINTS,
    *users_api.ENDPOINTS,
    *moderation_api.ENDPOINTS,
    *stats_api.ENDPOINTS,
    *allowed_words_api.ENDPOINTS,
    *origins_api.ENDPOINTS,
    *webhooks_api.ENDPOINTS,
    *auth_routes.ENDPOINTS,
]
DEMO_SITE = "demo"


def widget_dir() -> Path:
    """The widget's files: inside the installed package, or beside it in a checkout."""
    packaged = PACKAGE / "widget"
    return packaged if packaged.is_dir() else PACKAGE.parent / "widget"


def configured_providers(settings: Settings) -> dict[str, Provider]:
    """The login providers the settings switch on, in a stable order."""
    found: dict[str, Provider] = {}
    if settings.github_client_id and settings.github_client_secret:
        found["github"] = GitHubProvider(
            settings.github_client_id,
            settings.github_client_secret.get_secret_value(),
            settings.github_url,
            settings.github_api_url,
        )
    if settings.google_client_id and settings.google_client_secret:
        found["google"] = OidcProvider(
            "google",
            "Google",
            settings.google_issuer,
            settings.google_client_id,
            settings.google_client_secret.get_secret_value(),
            user_prefix="google",
        )
    for oidc in settings.oidc:
        found[oidc.name] = OidcProvider(
            oidc.name,
            oidc.display_name,
            oidc.issuer,
            oidc.client_id,
            oidc.client_secret.get_secret_value(),
        )
    return found


def signing_key(settings: Settings) -> bytes:
    """The secret key's bytes; without one, a key of this process alone (so its mailed
    links and signed state die with it: every real deployment sets the key)."""
    if settings.secret_key:
        return settings.secret_key.get_secret_value().encode()
    return secrets.token_bytes(32)


def mail_config(settings: Settings) -> MailConfig:
    """The relay and the batching interval, from the `COMMENTS_SMTP_*` settings."""
    host = urlsplit(settings.public_url).hostname or "localhost"
    return MailConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        tls=settings.smtp_tls,
        sender=settings.mail_from or f"comments@{host}",
        interval=timedelta(seconds=settings.notify_interval_seconds),
        timeout=settings.smtp_timeout_seconds,
    )


def build_service(
    settings: Settings,
    *,
    demo: bool = False,
    clock: Clock = utc_now,
    secret: bytes | None = None,
) -> Service:
    """The service over fresh engines for these settings (the CLI uses it too)."""
    cache = make_cache(settings.redis_url)
    providers: dict[str, Provider] = {}
    providers.update(configured_providers(settings))
    if settings.dev_login or demo:
        providers["dev"] = DevProvider(f"{settings.public_url}/auth/dev/authorize", cache)
    deps = Deps(
        storage=SqlStorage.from_url(settings.database_url),
        cache=cache,
        broker=make_broker(settings.redis_url),
        event_log=make_event_log(settings.redis_url),
        pages=make_pages(settings.redis_url, settings.cache_memory_mb << 20),
        config=ServiceConfig(
            public_url=settings.public_url,
            origin=settings.origin,
            admins=frozenset(settings.admins),
            session_days=settings.session_days,
            signing_key=secret or signing_key(settings),
        ),
        clock=clock,
        ids=IdFactory(clock),
        providers=providers,
        # Set by `comments serve --workers N` before any worker loads prometheus-client.
        telemetry=Telemetry(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None),
    )
    mail = mail_config(settings)
    service = Service(deps, mail)
    hooks = WebhookSender(
        deps, service.moderation.queues, allow_private=settings.webhook_allow_private
    )
    service.dispatcher.webhooks = hooks
    service.dispatcher.notices = Noticer(
        deps, mail, hook_rows=hooks.rows_for, hooks_want=hooks.wants
    )
    service.dispatcher.mailer = MailSender(deps, mail)
    return service


def app_context(service: Service, settings: Settings, secret: bytes, clock: Clock) -> AppContext:
    """What handlers read through `context_of`: the service and the settings' values."""
    return AppContext(
        service=service,
        settings=settings,
        public_url=settings.public_url,
        origin=settings.origin,
        trusted_networks=parse_networks(settings.trusted_proxies),
        secret=secret,
        clock=clock,
    )


def create_app(settings: Settings, *, demo: bool = False, clock: Clock = utc_now) -> Starlette:
    """The whole service as one ASGI app; `demo` adds the article page and the demo site."""
    secret = signing_key(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service = build_service(settings, demo=demo, clock=clock, secret=secret)
        # The one entry on the app's state: handlers read it through `context_of`.
        app.state.context = app_context(service, settings, secret, clock)
        if "dev" in service.deps.providers:
            log.warning(
                "THE DEV LOGIN IS ON: anyone can log in under any name. Never use it in production."
            )
        try:
            if demo:
                await service.sites.ensure(DEMO_SITE, [settings.origin, *settings.demo_origins])
            service.listen()
            if settings.worker == "inprocess":
                service.dispatcher.start()
            # COMMENTS_METRICS_BIND: a second server in this loop, while the app runs.
            async with metrics_api.serving(app.state.context, settings.metrics_bind):
                yield
        finally:
            await service.close()

    async def openapi_document(request: Request) -> Response:
        document = openapi(
            ENDPOINTS, title="Comments", version=__version__, server=settings.public_url
        )
        document["components"]["schemas"]["ReasonCode"] = {
            "type": "string",
            "description": "Why moderation held, rejected or marked a comment "
            "(`moderation.reasons[].code`)",
            "enum": [code.value for code in ReasonCode],
        }
        return JSONResponse(document)

    async def health(request: Request) -> Response:
        status = await context_of(request).service.check_health()
        healthy = all(value == "ok" for value in status.values())
        return JSONResponse(status, status_code=200 if healthy else 503)

    async def origins_for(site: str | None) -> frozenset[str]:
        context: AppContext = app.state.context
        return await context.service.sites.allowed_origins(site)

    routes: list[BaseRoute] = [to_route(endpoint) for endpoint in ENDPOINTS]
    routes += [to_route(endpoint) for endpoint in moderation_api.STREAMS]
    routes += [to_route(endpoint) for endpoint in live_api.STREAMS]
    routes += auth_routes.ROUTES
    routes += dashboard.ROUTES
    routes += notifications_api.PAGES
    routes += [
        Route("/api/v1/openapi.json", openapi_document, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/metrics", metrics_api.metrics, methods=["GET"]),
        Mount("/widget", app=WidgetFiles(directory=widget_dir()), name="widget"),
        Mount("/static", app=PackedFiles(directory=PACKAGE / "static"), name="static"),
    ]
    if demo:
        routes.append(Route("/", article, methods=["GET"]))
        routes.append(Route("/ru", article_ru, methods=["GET"]))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            # Outermost: counts and times every answer, the last-resort 500s included.
            Middleware(Metered),
            # Every response carries the request id, and nothing escapes to
            # Starlette's ServerErrorMiddleware (which would close the connection).
            Middleware(RequestId),
            Middleware(SecurityHeaders),
            Middleware(SiteCors, origins_for=origins_for),
            # Innermost: cached anonymous reads, answered before routing.
            Middleware(CachedReads),
        ],
        exception_handlers=exception_handlers(),
    )
    return app


def app_from_environment() -> Starlette:
    """For `uvicorn --factory` with several workers: settings from the environment.

    Refuses to start without `COMMENTS_SECRET_KEY`: each worker would make its own.
    """
    from comments.settings import SettingsError, load_settings, require_secret

    try:
        settings = load_settings()
        require_secret(settings)
    except SettingsError as exc:
        raise SystemExit(f"comments: {exc}") from None
    return create_app(settings)


async def run_worker(settings: Settings) -> None:
    """`comments worker`: deliver the outbox until stopped (with `COMMENTS_WORKER=external`).

    Its deliveries (outbox rows, webhook outcomes) are counted here, not in the web
    processes: with `COMMENTS_METRICS_BIND` it serves them on that address, same rules.
    """
    service = build_service(settings)
    # Nothing is signed here: the metrics server only needs the context's service.
    context = app_context(service, settings, secrets.token_bytes(32), utc_now)
    log.info("delivering the outbox")
    try:
        async with metrics_api.serving(context, settings.metrics_bind):
            await service.dispatcher.run()
    finally:
        await service.close()
