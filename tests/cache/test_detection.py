"""The checks themselves: a stale read is caught, and a write that changed nothing is told
apart from a stale copy, whatever the cache does (readers that keep old answers stand in)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cache.across import Looker, Page, Read, Two, across, ids, read
from tests.live import LiveServer


class Frozen:
    """A reader that keeps the first answer it got for each instance, reader and query:
    the stalest cache there could be (on `frozen` instances only)."""

    def __init__(self, *frozen: LiveServer) -> None:
        self._frozen = {instance.url for instance in frozen}
        self._kept: dict[tuple[Any, ...], Read] = {}

    def __call__(
        self, instance: LiveServer, thread: str, token: str | None = None, **params: Any
    ) -> Read:
        if instance.url not in self._frozen:
            return read(instance, thread, token, **params)
        key = (instance.url, thread, token, tuple(sorted(params.items())))
        if key not in self._kept:
            self._kept[key] = read(instance, thread, token, **params)
        return self._kept[key]


def posting(two: Two) -> tuple[str, Any, Any, str]:
    """A thread, a post to make in it, what readers must see after, and the writer."""
    thread = two.thread("detect")
    _, writer = two.reader()
    two.post(writer, thread)
    posted: dict[str, str] = {}

    def write() -> None:
        posted["id"] = two.post(writer, thread)["id"]

    def seen(page: Page) -> bool:
        return posted.get("id") in ids(page)

    return thread, write, seen, writer


def test_a_stale_second_instance_is_caught_and_named(two: Two) -> None:
    thread, write, seen, writer = posting(two)
    with pytest.raises(pytest.fail.Exception) as failed:
        across(
            two,
            thread,
            write,
            seen,
            logged=[Looker("the writer", writer, seen)],
            reader=Frozen(two.b),
        )
    message = str(failed.value)
    assert message.startswith("stale after the write")
    assert "the writer's next read on B" in message and "anonymous reads on B" in message
    assert "on A" not in message


def test_a_stale_instance_that_took_the_write_is_caught(two: Two) -> None:
    thread, write, seen, writer = posting(two)
    with pytest.raises(pytest.fail.Exception) as failed:
        across(
            two,
            thread,
            write,
            seen,
            logged=[Looker("the writer", writer, seen)],
            reader=Frozen(two.a),
        )
    assert str(failed.value).startswith("stale after the write")
    assert "an anonymous read on A" in str(failed.value)


def test_a_write_that_changes_nothing_is_not_blamed_on_the_cache(two: Two) -> None:
    thread, _, seen, writer = posting(two)
    with pytest.raises(pytest.fail.Exception) as failed:
        across(two, thread, lambda: None, seen, logged=[Looker("the writer", writer, seen)])
    assert "the write itself did not change the page" in str(failed.value)


def test_a_check_that_holds_before_the_write_is_a_setup_error(two: Two) -> None:
    thread, write, _, _ = posting(two)
    with pytest.raises(pytest.fail.Exception) as failed:
        across(two, thread, write, lambda page: True)
    assert str(failed.value).startswith("test set-up")
