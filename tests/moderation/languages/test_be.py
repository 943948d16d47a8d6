"""Belarusian: the shared roots in Belarusian spelling (`пізда`, `ебаць`, `блядзь`)."""

from __future__ import annotations

import pytest

from comments.moderation.languages import be
from tests.moderation.languages.conftest import held, matcher_for, tiers

MATCHER = matcher_for("be")


@pytest.mark.parametrize(
    "text",
    [
        "Гэта проста пізда, а не рамонт.",
        "Ёбаны сорам гэты конкурс.",
        "Блядзь, зноў адключылі ваду.",
        "Курва, колькі можна чакаць.",
        "Хуйня нейкая з гэтым законам.",
    ],
)
def test_strong_words_are_held(text: str) -> None:
    assert held(MATCHER, text) and tiers(MATCHER, text) == {"strong"}


@pytest.mark.parametrize(
    "text",
    [
        "Мінск не аддасць суверэнітэт.",
        "Бляха на даху зноў зламалася.",
        "Хлеб у краме падаражэў.",
    ],
)
def test_ordinary_belarusian_is_clean(text: str) -> None:
    assert MATCHER.find(text) == []


def test_mild_words_are_published() -> None:
    assert tiers(MATCHER, "Нейкае гаўно.") == {"mild"}
    assert not held(MATCHER, "Нейкае гаўно.")
    assert "written for this project" in be.SOURCE
