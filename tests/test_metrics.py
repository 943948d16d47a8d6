"""`GET /metrics`: off unless configured, behind its bearer token or on an address of its
own, and numbers that move as the publisher's dashboard would show them."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from comments.settings import SettingsError, load_settings
from tests.faults.cluster import RedisServer
from tests.harness import Harness

TOKEN = "metrics-" + "t" * 24
NAMES = (
    "comments_page_reads_cached_total",
    "comments_page_computed_total",
    "comments_page_reads_bypassed_total",
    "comments_page_cache_bytes",
    "comments_page_cache_entries",
    "comments_page_cache_max_bytes",
    "comments_page_cache_trusted",
    "comments_outbox_delivered_total",
    "comments_outbox_failed_total",
    "comments_outbox_pending",
    "process_resident_memory_bytes",
)


@pytest.fixture
def metered(sqlite_url: str) -> Iterator[Harness]:
    """The app on SQLite with a metrics token."""
    with Harness.start(sqlite_url, metrics_token=TOKEN) as h:
        yield h


def free_port() -> int:
    """A loopback port nobody listens on (the kernel's choice, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def samples(text: str) -> dict[str, float]:
    """Every unlabelled sample of a scrape, by name."""
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if not sample.labels:
                found[sample.name] = sample.value
    return found


def samples_with_labels(text: str) -> dict[tuple[str, tuple[str, ...]], float]:
    """Every sample of a scrape, by name and its label values in the labels' name order."""
    found: dict[tuple[str, tuple[str, ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values = tuple(value for _, value in sorted(sample.labels.items()))
            found[(sample.name, values)] = sample.value
    return found


def scrape(h: Harness, token: str = TOKEN) -> dict[str, float]:
    """The public app's metrics, as Prometheus with the token reads them."""
    response = h.client.get("/metrics", headers=h.auth(token))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(response.text)


def test_metrics_are_not_there_unless_configured(quick: Harness) -> None:
    response = quick.client.get("/metrics", headers=quick.auth(TOKEN))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token-of-enough-length", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x"],
)
def test_a_scrape_without_the_token_is_refused(metered: Harness, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = metered.client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "login_required"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "comments_" not in response.text


def test_a_scrape_names_every_metric_with_its_help(metered: Harness) -> None:
    response = metered.client.get("/metrics", headers=metered.auth(TOKEN))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    for name in NAMES:
        family = name.removesuffix("_total")
        assert f"# HELP {name} " in text or f"# HELP {family} " in text, name
        assert f"\n{name} " in text, name
    assert 'comments_build_info{version="' in text
    values = samples(text)
    assert values["comments_page_cache_trusted"] == 1  # one process hears its own bumps
    assert values["comments_page_cache_max_bytes"] == 64 << 20
    assert values["process_resident_memory_bytes"] > 0
    assert "comments_live_listeners" not in values  # counted only with Redis


def test_anonymous_reads_show_as_computed_then_served_from_the_copy(metered: Harness) -> None:
    before = scrape(metered)
    for _ in range(2):
        metered.thread("union")
    after = scrape(metered)
    assert after["comments_page_computed_total"] == before["comments_page_computed_total"] + 1
    assert after["comments_page_reads_cached_total"] == (
        before["comments_page_reads_cached_total"] + 1
    )
    assert after["comments_page_cache_entries"] > before["comments_page_cache_entries"]
    assert after["comments_page_cache_bytes"] > before["comments_page_cache_bytes"]
    assert after["comments_page_reads_bypassed_total"] == 0


def test_a_post_shows_as_delivered_outbox_rows(metered: Harness) -> None:
    before = scrape(metered)
    assert metered.post(metered.token()).status_code == 201

    def delivered() -> bool:
        now = scrape(metered)
        grown = now["comments_outbox_delivered_total"] > before["comments_outbox_delivered_total"]
        return grown and now["comments_outbox_pending"] == 0

    assert eventually(delivered), "the post's outbox rows never showed as delivered"


def test_a_metrics_address_serves_without_the_token_and_the_public_app_keeps_quiet(
    sqlite_url: str,
) -> None:
    bind = f"127.0.0.1:{free_port()}"
    with Harness.start(sqlite_url, metrics_bind=bind) as h:
        assert h.client.get("/metrics").status_code == 404
        response = httpx.get(f"http://{bind}/metrics")
        assert response.status_code == 200
        assert "comments_page_computed_total" in samples(response.text)
        other = httpx.get(f"http://{bind}/api/v1/sites/news/comments?thread=union")
        assert other.status_code == 404  # the metrics, and nothing else, there
        assert other.json()["error"]["code"] == "not_found"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://{bind}/metrics")  # stopped with the app


def test_a_metrics_address_asks_for_the_token_when_one_is_set(sqlite_url: str) -> None:
    bind = f"127.0.0.1:{free_port()}"
    with Harness.start(sqlite_url, metrics_bind=bind, metrics_token=TOKEN) as h:
        assert httpx.get(f"http://{bind}/metrics").status_code == 401
        granted = httpx.get(f"http://{bind}/metrics", headers=h.auth(TOKEN))
        assert granted.status_code == 200
        assert scrape(h)  # the public app answers the token too


def test_a_taken_metrics_address_stops_the_start(sqlite_url: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        bind = f"127.0.0.1:{taken.getsockname()[1]}"
        with (
            pytest.raises(RuntimeError, match=r"^COMMENTS_METRICS_BIND: cannot listen on "),
            Harness.start(sqlite_url, metrics_bind=bind),
        ):
            pass


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COMMENTS_METRICS_TOKEN", "too-short"),
        ("COMMENTS_METRICS_BIND", "9100"),
        ("COMMENTS_METRICS_BIND", "127.0.0.1:http"),
        ("COMMENTS_METRICS_BIND", "127.0.0.1:70000"),
    ],
)
def test_a_wrong_metrics_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=rf"^{name}: must be"):
        load_settings()


def test_metrics_settings_accept_addresses_and_ignore_an_empty_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COMMENTS_METRICS_TOKEN", "")
    monkeypatch.setenv("COMMENTS_METRICS_BIND", "[::1]:9100")
    settings = load_settings()
    assert settings.metrics_token is None
    assert settings.metrics_bind == "[::1]:9100"


@pytest.mark.faults
def test_reads_while_redis_is_away_are_counted(
    sqlite_url: str, restartable_redis: RedisServer
) -> None:
    with Harness.start(sqlite_url, redis_url=restartable_redis.url, metrics_token=TOKEN) as h:
        h.thread("union")
        before = scrape(h)
        assert before["comments_page_cache_trusted"] == 1
        assert before["comments_live_listeners"] == 0

        restartable_redis.kill()
        assert eventually(lambda: scrape(h)["comments_page_cache_trusted"] == 0), (
            "the page cache went on trusting what it heard after Redis was gone"
        )
        h.thread("union")
        during = scrape(h)
        bypassed, cached = "comments_page_reads_bypassed_total", "comments_page_reads_cached_total"
        assert during[bypassed] > before[bypassed], "a read from the database was not counted"
        assert during[cached] == before[cached]  # nothing came from the copy meanwhile

        restartable_redis.restart()
        assert eventually(lambda: scrape(h)["comments_page_cache_trusted"] == 1), (
            "the page cache never trusted Redis again after it came back"
        )


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `check` holds within `seconds` (background work: the dispatcher, a listener)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
