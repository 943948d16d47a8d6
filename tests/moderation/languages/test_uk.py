"""Ukrainian: the shared roots in Ukrainian spelling, `їбати` and `курва`, mild words."""

from __future__ import annotations

import pytest

from comments.moderation.languages import uk
from tests.moderation.languages.conftest import held, matcher_for, tiers

MATCHER = matcher_for("uk")


@pytest.mark.parametrize(
    "text",
    [
        "Знову ця хуйня з тарифами.",
        "Заїбали ці відключення світла.",
        "Їбанутий закон ухвалили вночі.",
        "Курва, знову тривога.",
        "Охуїв зовсім цей депутат.",
        "Пиздець, а не дороги.",
        "Йобаний сором цей тендер.",
    ],
)
def test_strong_words_are_held(text: str) -> None:
    assert held(MATCHER, text) and tiers(MATCHER, text) == {"strong"}


@pytest.mark.parametrize(
    "text",
    [
        "У дуплі дерева жила сова.",
        "Лайнер прибув до Одеси.",
        "Їжак перейшов дорогу.",
        "Курвиметр лежав на столі.",
        "Їхати до Києва далеко.",
    ],
)
def test_ordinary_ukrainian_is_clean(text: str) -> None:
    assert MATCHER.find(text) == []


def test_mild_words_are_published() -> None:
    assert tiers(MATCHER, "Яке лайно, ну й срака.") == {"mild"}
    assert not held(MATCHER, "Яке лайно.")
    assert "written for this project" in uk.SOURCE
