"""docker-compose.yml: the services, their order, and settings the app really reads."""

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
    assert {"app", "migrate", "postgres", "redis"} <= set(services)


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


def test_app_is_published_and_started_in_order() -> None:
    services = _compose()["services"]
    app = services["app"]
    assert any(str(port).endswith(":8000") for port in app["ports"])
    assert "serve" in app["command"]
    assert "healthcheck" in app
    assert _depends_on(app)["migrate"] == "service_completed_successfully"
    assert _depends_on(app)["redis"] == "service_healthy"
    migrate = services["migrate"]
    assert "migrate" in migrate["command"]
    assert _depends_on(migrate)["postgres"] == "service_healthy"


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
