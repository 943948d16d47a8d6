"""The service's settings: every `COMMENTS_*` environment variable, validated once.

Settings are read in one place (`load_settings`, called by the command line) and
then handed explicitly to `create_app`; nothing else reads the environment.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/comments.db"

CommaList = Annotated[tuple[str, ...], NoDecode]


class SettingsError(ValueError):
    """A setting has a wrong value; the message is one line naming it."""


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
    session_days: int = Field(
        30, ge=1, le=365, description="Reader sessions expire after idle days"
    )
    log_level: str = Field("info", description="debug, info, warning or error")

    @field_validator("admins", "trusted_proxies", "demo_origins", mode="before")
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


def load_settings(**overrides: object) -> Settings:
    """Read the environment; a wrong value raises `SettingsError` with one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"COMMENTS_{name.upper()}: {message}") from None
