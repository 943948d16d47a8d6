"""docker-compose.yml: the services, their order, and settings the app really reads."""

import ipaddress
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): str(value) for key, value in env.items()}


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def test_services() -> None:
    services = _compose()["services"]
    assert {"app", "migrate", "postgres", "redis", "proxy"} <= set(services)


def test_every_comments_variable_is_a_setting() -> None:
    from comments.settings import Settings

    known = {f"COMMENTS_{name.upper()}" for name in Settings.model_fields}
    services = _compose()["services"]
    used: set[str] = set()
    for service in services.values():
        used |= {name for name in _environment(service) if name.startswith("COMMENTS_")}
    assert used, "no COMMENTS_* variable in docker-compose.yml"
    assert used <= known, f"not settings: {sorted(used - known)}"
    for name in ("app", "migrate"):
        env = _environment(services[name])
        assert env["COMMENTS_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["COMMENTS_DATABASE_URL"].endswith("@postgres:5432/comments")
        assert env["COMMENTS_REDIS_URL"] == "redis://redis:6379/0"
        assert "COMMENTS_SECRET_KEY" in env
        assert "COMMENTS_PUBLIC_URL" in env


def test_the_proxy_is_published_and_everything_starts_in_order() -> None:
    services = _compose()["services"]
    proxy, app = services["proxy"], services["app"]
    assert any(str(port).endswith(":8000") for port in proxy["ports"])
    assert _depends_on(proxy)["app"] == "service_healthy"
    assert "ports" not in app, "replicas cannot share a host port: the proxy is published"
    assert "serve" in app["command"]
    assert "healthcheck" in app
    assert _depends_on(app)["migrate"] == "service_completed_successfully"
    assert _depends_on(app)["redis"] == "service_healthy"
    migrate = services["migrate"]
    assert "migrate" in migrate["command"]
    assert _depends_on(migrate)["postgres"] == "service_healthy"


def _servers(services: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if "serve" in (s.get("command") or [])}


def test_two_app_replicas_share_one_database_redis_and_secret() -> None:
    services = _compose()["services"]
    servers = _servers(services)
    replicas = sum(int((s.get("deploy") or {}).get("replicas", 1)) for s in servers.values())
    assert replicas >= 2
    shared = ("COMMENTS_DATABASE_URL", "COMMENTS_REDIS_URL", "COMMENTS_SECRET_KEY")
    migrate = _environment(services["migrate"])
    for name, server in servers.items():
        env = _environment(server)
        assert {k: env[k] for k in shared} == {k: migrate[k] for k in shared}, name
        assert env["COMMENTS_PUBLIC_URL"] == migrate["COMMENTS_PUBLIC_URL"], name
    # Migrations run once, before any replica: no server migrates on its own.
    migrating = [n for n, s in services.items() if "migrate" in (s.get("command") or [])]
    assert migrating == ["migrate"]


def test_replicas_believe_forwarded_addresses_from_the_proxy_only_in_private_networks() -> None:
    from comments.settings import Settings

    for name, server in _servers(_compose()["services"]).items():
        value = _environment(server)["COMMENTS_TRUSTED_PROXIES"]
        trusted = Settings(database_url="sqlite+aiosqlite://", trusted_proxies=value)
        networks = [ipaddress.ip_network(item) for item in trusted.trusted_proxies]
        assert networks and all(network.is_private for network in networks), name


def test_the_proxy_spreads_requests_over_every_replica() -> None:
    data = _compose()
    proxy = data["services"]["proxy"]
    [mounted] = proxy["configs"]
    assert mounted["target"] == "/etc/caddy/Caddyfile"
    caddyfile = data["configs"][mounted["source"]]["content"]
    assert "reverse_proxy" in caddyfile
    # Every address the name `app` resolves to (one per replica), not just the first.
    assert re.search(r"dynamic a \{[^}]*name app\b[^}]*port 8000\b", caddyfile), caddyfile
    assert caddyfile.count("{") == caddyfile.count("}")


def test_redis_memory_is_bounded_without_evicting_keys_that_never_expire() -> None:
    command = _compose()["services"]["redis"]["command"]
    options = dict(zip(command[1::2], command[2::2], strict=False))
    assert options["--maxmemory"].endswith(("mb", "gb"))
    # `volatile-*` evicts only keys with an expiry, and every key but one small one has one.
    assert options["--maxmemory-policy"].startswith("volatile-")


def test_backing_services_have_healthchecks() -> None:
    services = _compose()["services"]
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli" in str(services["redis"]["healthcheck"]["test"])
    assert "ping" in str(services["redis"]["healthcheck"]["test"])


def test_matches_the_compose_specification() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
