"""Fixtures of the cache tests: a module-wide pair of instances with the sites they write on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cache.across import Two, two_of
from tests.security.streaming import Pair, instances

__all__ = ["instances"]


@pytest.fixture(scope="module")
def two(instances: Pair) -> Iterator[Two]:
    """Instances A and B on one PostgreSQL and one Redis, with the sites `news`
    (premoderated), `open` and `tuned` (published at once)."""
    with two_of(instances) as pair:
        yield pair
