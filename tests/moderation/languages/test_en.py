"""English: better-profanity's list with a tier on each word, compounds, sound-alikes."""

from __future__ import annotations

import pytest

from comments.moderation.languages import en
from tests.moderation.languages.conftest import held, matcher_for, tiers

MATCHER = matcher_for("en")


def test_every_listed_word_has_a_tier_and_the_examples_of_each_are_where_they_belong() -> None:
    listed = en.words()
    assert {"hell", "damn", "crap", "pissed"} <= set(listed["mild"])
    assert {"fuck", "shit", "cunt", "motherfucker"} <= set(listed["strong"])
    assert {"nigger", "faggot", "kike"} <= set(listed["slur"])
    assert not set(listed["mild"]) & set(listed["strong"])
    assert "better-profanity" in en.SOURCE and "MIT" in en.SOURCE


@pytest.mark.parametrize(
    "text",
    [
        "What a shitshow.",
        "#fuckthis council",
        "an utter clusterfuck",
        "total bullshit",
        "phucking idiots",
        "such bastards",
        "Motherf4cker",
    ],
)
def test_compounds_plurals_and_sound_alikes_are_held(text: str) -> None:
    assert held(MATCHER, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe",
        "Penistone",
        "Shiitake",
        "Fukushima and Fukuyama",
        "Phuket",
        "a mishit shot",
        "Sheila Dikshit",
        "Slutsky and Slutsk",
        "the Wankel engine at Wankhede",
        "sniggering",
        "Dick Francis",
        "Super Bowl XXX",
        "comment #17 and n19",
    ],
)
def test_names_places_and_numbers_are_clean(text: str) -> None:
    assert MATCHER.find(text) == [], text


def test_mild_words_are_published_by_default() -> None:
    assert tiers(MATCHER, "hell, damn, crap") == {"mild"}
    assert not held(MATCHER, "Damn, what the hell.")
