"""The word matcher against a labelled corpus of news comments, held to a floor per class.

`tests/data/profanity_corpus.jsonl` holds our own sentences: clean English and Russian
(and some Belarusian) comments, substring and name traps, and one class per evasion.
`bench/corpus_report.py` prints the same figures next to plain better-profanity's.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from comments.moderation.words import WordMatcher

CORPUS = Path(__file__).parent.parent / "data" / "profanity_corpus.jsonl"
CLEAN = ("clean_en", "clean_ru", "trap")
EVASIONS = (
    *("plain", "spaced", "repeated", "leet"),
    *("self_censored", "homoglyph", "invisible", "combining"),
)
RECALL_FLOOR = {name: 0.9 for name in EVASIONS} | {"plain": 1.0}


def load() -> list[dict[str, object]]:
    """The corpus rows."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def flagged() -> dict[str, Counter[bool]]:
    """Per class, how many lines the default matcher flagged (True) and passed (False)."""
    matcher = WordMatcher.build({})
    counts: dict[str, Counter[bool]] = {}
    for row in load():
        counts.setdefault(str(row["class"]), Counter())[bool(matcher.find(str(row["text"])))] += 1
    return counts


def test_the_corpus_is_labelled_consistently() -> None:
    rows = load()
    assert len(rows) >= 300
    for row in rows:
        assert set(row) == {"text", "profane", "class"}
        assert row["class"] in CLEAN + EVASIONS
        assert row["profane"] is (row["class"] not in CLEAN)
    per_class = Counter(str(row["class"]) for row in rows)
    assert min(per_class.values()) >= 20


@pytest.mark.parametrize("name", CLEAN)
def test_clean_comments_and_traps_are_never_flagged(
    flagged: dict[str, Counter[bool]], name: str
) -> None:
    assert flagged[name][True] == 0


@pytest.mark.parametrize("name", EVASIONS)
def test_each_evasion_class_is_caught_at_least_as_often_as_its_floor(
    flagged: dict[str, Counter[bool]], name: str
) -> None:
    recall = flagged[name][True] / sum(flagged[name].values())
    assert recall >= RECALL_FLOOR[name]
