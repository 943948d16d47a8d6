"""The service's settings: every `COMMENTS_*` environment variable, validated once.

Settings are read in one place (`load_settings`, called by the command line) and
then handed explicitly to `create_app`; nothing else reads the environment.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from comments.mail_address import plain_address
from comments.urls import https_or_loopback

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/comments.db"

CommaList = Annotated[tuple[str, ...], NoDecode]


class SettingsError(ValueError):
    """A setting has a wrong value; the message is one line naming it."""


class OidcProviderSettings(BaseModel):
    """One OpenID Connect provider, from `COMMENTS_OIDC_<NAME>_*`."""

    model_config = ConfigDict(frozen=True)

    name: str
    issuer: str
    client_id: str = Field(min_length=1, max_length=300)
    client_secret: SecretStr
    display_name: str = Field(min_length=1, max_length=40)

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        return https_or_loopback(value)


def _split(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    """Every setting the service reads, with its default.

    Each field is an environment variable `COMMENTS_<NAME>`; README lists them all.
    """

    model_config = SettingsConfigDict(
        env_prefix="COMMENTS_", frozen=True, extra="ignore", case_sensitive=False
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite+aiosqlite:///… (embedded) or postgresql+asyncpg://…",
    )
    redis_url: str | None = Field(
        None, description="redis://… for cache, rate limits, login state; unset: in-process"
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The service's own absolute URL (with any mount prefix); every URL it builds",
    )
    secret_key: SecretStr | None = Field(
        None, description="At least 32 characters; signs cookies. Required by `comments serve`"
    )
    admins: CommaList = Field(
        (), description="Comma-separated user ids that are admins of every site, e.g. dev:alice"
    )
    trusted_proxies: CommaList = Field(
        (), description="Comma-separated proxy addresses or networks whose X-Forwarded-For counts"
    )
    demo_origins: CommaList = Field(
        (), description="Extra origins allowed to embed the demo site (with `comments demo`)"
    )
    dev_login: bool = Field(
        False, description="Enables the `dev` login (anyone types a name). Never in production"
    )
    github_client_id: str | None = Field(None, description="GitHub OAuth app client id")
    github_client_secret: SecretStr | None = Field(None, description="GitHub OAuth app secret")
    github_url: str = Field(
        "https://github.com", description="GitHub's web address (GitHub Enterprise: yours)"
    )
    github_api_url: str = Field(
        "https://api.github.com", description="GitHub's API address (Enterprise: …/api/v3)"
    )
    google_client_id: str | None = Field(None, description="Google OAuth client id")
    google_client_secret: SecretStr | None = Field(None, description="Google OAuth secret")
    google_issuer: str = Field(
        "https://accounts.google.com", description="Google's OpenID Connect issuer"
    )
    oidc_providers: CommaList = Field(
        (), description="Names of OpenID Connect providers, each with COMMENTS_OIDC_<NAME>_*"
    )
    oidc: tuple[OidcProviderSettings, ...] = Field(
        (), description="Filled from the COMMENTS_OIDC_<NAME>_* groups by load_settings"
    )
    session_days: int = Field(
        30, ge=1, le=365, description="Reader sessions expire after idle days"
    )
    log_level: str = Field("info", description="debug, info, warning or error")
    log_format: str = Field(
        "text", description="`text`, or `json`: one JSON object a line, with the request id"
    )
    body_timeout_seconds: float = Field(
        10.0, gt=0, le=300, description="A request body must arrive within this many seconds"
    )
    cache_memory_mb: int = Field(
        64, ge=1, le=65536, description="Memory each process may give its copy of cached pages"
    )
    worker: Literal["inprocess", "external"] = Field(
        "inprocess",
        description="Who delivers e-mails and webhooks: `inprocess` (inside `comments serve` and "
        "`comments demo`) or `external` (a separate `comments worker` process)",
    )
    webhook_allow_private: bool = Field(
        False,
        description="Let webhooks target private, loopback and link-local addresses "
        "(for a receiver on the same network; off, only public addresses are sent to)",
    )
    smtp_host: str | None = Field(
        None, description="The mail relay's host; unset, no e-mail is sent (webhooks still are)"
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="The mail relay's port")
    smtp_username: str | None = Field(None, description="Login at the relay, if it wants one")
    smtp_password: SecretStr | None = Field(None, description="Password for the relay login")
    smtp_tls: Literal["off", "starttls", "tls"] = Field(
        "starttls",
        description="`starttls` (upgrade after connecting), `tls` (TLS from the start, port "
        "465) or `off` (plain, for a relay on the same host)",
    )
    smtp_timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="A relay that answers nothing in this long is retried later"
    )
    mail_from: str | None = Field(
        None, description="The From address of every mail (default: comments@ the public host)"
    )
    notify_interval_seconds: int = Field(
        600,
        ge=1,
        le=86400,
        description="A reader (or a site's staff) gets at most one mail per this many seconds: "
        "what comes meanwhile is sent together, as one digest",
    )
    metrics_token: SecretStr | None = Field(
        None, description="At least 16 characters; opens `GET /metrics` to `Bearer <token>`"
    )
    metrics_bind: str | None = Field(
        None, description="host:port where `/metrics` is also served, apart from the public port"
    )

    @field_validator("admins", "trusted_proxies", "demo_origins", "oidc_providers", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split(value)

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value or None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http or https URL")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or a fragment")
        return value.rstrip("/")

    @field_validator("secret_key")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str | None) -> str | None:
        if value and not plain_address(value):
            raise ValueError("must be a plain address such as comments@example.com")
        return value or None

    @field_validator("smtp_host")
    @classmethod
    def _smtp_host(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]{1,253}", value):
            raise ValueError("must be a host name or address")
        return value or None

    @field_validator("metrics_bind")
    @classmethod
    def _metrics_bind(cls, value: str | None) -> str | None:
        if value:
            host_port(value)
        return value or None

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an address or network") from None
        return value

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if ":" not in item or len(item) > 300:
                raise ValueError(f"{item!r} is not a user id like github:123 or dev:alice")
        return value

    @field_validator("github_url", "github_api_url", "google_issuer")
    @classmethod
    def _provider_url(cls, value: str) -> str:
        return https_or_loopback(value)

    @field_validator("oidc_providers")
    @classmethod
    def _oidc_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not re.fullmatch(r"[a-z][a-z0-9]{0,19}", name):
                raise ValueError(f"{name!r}: names are 1 to 20 lower-case letters or digits")
            if name in ("dev", "github", "google", "sso"):
                raise ValueError(f"{name!r} is the name of a built-in login")
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value.lower() not in ("text", "json"):
            raise ValueError("must be text or json")
        return value.lower()

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.lower() not in ("debug", "info", "warning", "error"):
            raise ValueError("must be debug, info, warning or error")
        return value.lower()

    @property
    def origin(self) -> str:
        """The scheme, host and port of `public_url`: where the service's pages live."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def base_path(self) -> str:
        """The path prefix of `public_url` (empty, or e.g. `/comments` when mounted)."""
        return urlsplit(self.public_url).path.rstrip("/")


def host_port(value: str) -> tuple[str, int]:
    """`host:port` (`[v6]:port` for an IPv6 address) split; a wrong one raises ValueError."""
    host, colon, port = value.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not (colon and host and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError("must be host:port, e.g. 127.0.0.1:9100")
    return host, int(port)


def require_secret(settings: Settings) -> None:
    """Refuse to start without a secret key: workers and restarts must share one to sign with.

    Without it each process would sign with its own random key, and a cookie or state
    signed by one worker would fail on the next.
    """
    if settings.secret_key is None:
        raise SettingsError(
            "COMMENTS_SECRET_KEY: must be set to 32 or more random characters "
            "(every worker signs with it)"
        )


def _oidc_groups(
    settings: Settings, environ: Mapping[str, str]
) -> tuple[OidcProviderSettings, ...]:
    found = []
    for name in settings.oidc_providers:
        prefix = f"COMMENTS_OIDC_{name.upper()}_"
        values = {
            "name": name,
            "issuer": environ.get(prefix + "ISSUER"),
            "client_id": environ.get(prefix + "CLIENT_ID"),
            "client_secret": environ.get(prefix + "CLIENT_SECRET"),
            "display_name": environ.get(prefix + "NAME") or name.capitalize(),
        }
        for key in ("issuer", "client_id", "client_secret"):
            if not values[key]:
                raise SettingsError(f"{prefix}{key.upper()}: must be set")
        try:
            found.append(OidcProviderSettings.model_validate(values))
        except ValidationError as exc:
            first = exc.errors()[0]
            key = "NAME" if first["loc"][0] == "display_name" else str(first["loc"][0]).upper()
            message = str(first["msg"]).removeprefix("Value error, ")
            raise SettingsError(f"{prefix}{key}: {message}") from None
    return tuple(found)


def _pairs(settings: Settings) -> None:
    for provider in ("github", "google"):
        has_id = getattr(settings, f"{provider}_client_id") is not None
        has_secret = getattr(settings, f"{provider}_client_secret") is not None
        if has_id != has_secret:
            missing = "CLIENT_SECRET" if has_id else "CLIENT_ID"
            raise SettingsError(f"COMMENTS_{provider.upper()}_{missing}: must be set as well")


def load_settings(
    overrides: Mapping[str, object] | None = None, *, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the environment (values in `overrides` win); a wrong value raises `SettingsError`."""
    environ = os.environ if environ is None else environ
    try:
        settings = Settings(**dict(overrides or {}))  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"COMMENTS_{name.upper()}: {message}") from None
    _pairs(settings)
    if settings.oidc_providers:
        settings = settings.model_copy(update={"oidc": _oidc_groups(settings, environ)})
    return settings
