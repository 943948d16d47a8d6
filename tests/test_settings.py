"""Settings: read from COMMENTS_* once, a wrong value named in one line, all documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from comments.settings import Settings, SettingsError, load_settings, require_secret

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COMMENTS_DATABASE_URL", "mysql://x"),
        ("COMMENTS_REDIS_URL", "http://redis"),
        ("COMMENTS_PUBLIC_URL", "not a url"),
        ("COMMENTS_PUBLIC_URL", "ftp://host"),
        ("COMMENTS_SECRET_KEY", "short"),
        ("COMMENTS_ADMINS", "alice"),
        ("COMMENTS_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("COMMENTS_DEV_LOGIN", "perhaps"),
        ("COMMENTS_SESSION_DAYS", "0"),
        ("COMMENTS_LOG_LEVEL", "loud"),
        ("COMMENTS_WORKER", "elsewhere"),
    ],
)
def test_wrong_value_stops_with_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    if name == "COMMENTS_SECRET_KEY":
        assert value not in message


def test_oidc_providers_come_in_named_groups() -> None:
    environ = {
        "COMMENTS_OIDC_KEYCLOAK_ISSUER": "https://sso.news.example/realms/readers",
        "COMMENTS_OIDC_KEYCLOAK_CLIENT_ID": "comments",
        "COMMENTS_OIDC_KEYCLOAK_CLIENT_SECRET": "secret",
        "COMMENTS_OIDC_KEYCLOAK_NAME": "Newsroom account",
    }
    settings = load_settings({"oidc_providers": "keycloak"}, environ=environ)
    (provider,) = settings.oidc
    assert provider.issuer == "https://sso.news.example/realms/readers"
    assert provider.display_name == "Newsroom account"
    del environ["COMMENTS_OIDC_KEYCLOAK_CLIENT_SECRET"]
    with pytest.raises(SettingsError, match=r"^COMMENTS_OIDC_KEYCLOAK_CLIENT_SECRET: must be set$"):
        load_settings({"oidc_providers": "keycloak"}, environ=environ)
    environ |= {
        "COMMENTS_OIDC_KEYCLOAK_CLIENT_SECRET": "s",
        "COMMENTS_OIDC_KEYCLOAK_ISSUER": "http://sso.news.example",
    }
    with pytest.raises(
        SettingsError, match=r"^COMMENTS_OIDC_KEYCLOAK_ISSUER: must be an https URL$"
    ):
        load_settings({"oidc_providers": "keycloak"}, environ=environ)


def test_a_client_id_without_its_secret_is_refused() -> None:
    with pytest.raises(
        SettingsError, match=r"^COMMENTS_GITHUB_CLIENT_SECRET: must be set as well$"
    ):
        load_settings({"github_client_id": "abc"})


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMENTS_ADMINS", "github:1, dev:alice")
    monkeypatch.setenv("COMMENTS_PUBLIC_URL", "https://news.example/comments/")
    settings = load_settings()
    assert settings.admins == ("github:1", "dev:alice")
    assert settings.public_url == "https://news.example/comments"
    assert settings.base_path == "/comments"
    assert settings.origin == "https://news.example"


def test_a_start_without_a_secret_key_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COMMENTS_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError) as caught:
        require_secret(load_settings())
    assert str(caught.value).startswith("COMMENTS_SECRET_KEY: must be set")
    assert "\n" not in str(caught.value)
    require_secret(load_settings({"secret_key": "k" * 32}))


def test_delivery_runs_in_process_unless_told_it_is_external(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COMMENTS_WORKER", raising=False)
    assert load_settings().worker == "inprocess"
    monkeypatch.setenv("COMMENTS_WORKER", "external")
    assert load_settings().worker == "external"


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`(COMMENTS_[A-Z_]+)`", readme))
    grouped = {"oidc"}  # filled from the documented COMMENTS_OIDC_<NAME>_* groups
    expected = {f"COMMENTS_{name.upper()}" for name in Settings.model_fields if name not in grouped}
    assert expected <= documented, sorted(expected - documented)


def test_every_site_policy_field_is_documented_in_the_readme() -> None:
    from comments.models import SitePolicy

    readme = README.read_text(encoding="utf-8")
    missing = [name for name in SitePolicy.model_fields if f"| `{name}` |" not in readme]
    assert missing == []
