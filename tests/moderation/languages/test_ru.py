"""Russian: mat by its roots, with prefixes, suffixes and endings; the ordinary words that
hold the same letters; translit; slurs and mild words in their tiers."""

from __future__ import annotations

import pytest

from comments.moderation.languages import ru
from tests.moderation.languages.conftest import held, matcher_for, tiers

MATCHER = matcher_for("ru")


@pytest.mark.parametrize(
    "word",
    [
        *("хуёвина", "охуевший", "похуистка", "нахуярились", "хуеплётство"),
        *("пиздабольство", "распиздяйка", "спиздили", "пиздюлина", "опизденеть"),
        *("заебись", "ебанашка", "выёбывается", "уебанский", "съебались", "разъебай"),
        *("долбоёбы", "ебучий", "поебень", "наёбанный", "ёбнулся", "проебали"),
        *("блядство", "выблядки", "блядина", "мудозвонство", "мудачьё", "залупился"),
        *("шлюшка", "сучара", "гондоны", "пиздец", "ПИЗДЕЦ", "Хуйня"),
        *("blyat", "pizdets", "nahuy", "zaebal", "pohuy"),
    ],
)
def test_obscene_derivations_are_held_as_strong(word: str) -> None:
    text = f"Ну это {word}, конечно."
    assert held(MATCHER, text), word
    assert tiers(MATCHER, text) == {"strong"}


@pytest.mark.parametrize(
    "word",
    [
        *("употреблять", "корабля", "рубля", "оскорблять", "сабля", "ансамбля", "бляшка"),
        *("мандарин", "командир", "мандат", "Мандельштам", "Мандела", "командировка"),
        *("страхуй", "застрахуйте", "перестрахуйся", "страхую", "Хуанхэ", "Хуэй"),
        *("хлеб", "небо", "себе", "требовать", "учебник", "гребля", "Глеб", "ребёнок"),
        *("вебинар", "ебонит", "жеребьёвка", "Себеж", "погребение", "щебет"),
        *("мудрый", "Мудрик", "сукно", "Сукре", "Сучжоу", "сучок", "Сукачёв"),
        *("жидкость", "жиденький", "Жидков", "скипидар", "спидометр", "педикюр", "педиатр"),
        *("хачапури", "Хачатурян", "Хохлома", "Москаленко", "Херсон", "херес"),
        *("сражение", "срам", "сравнить", "среди", "посредник", "Пизанская"),
    ],
)
def test_ordinary_words_holding_the_same_letters_are_clean(word: str) -> None:
    assert MATCHER.find(f"В новостях: {word}.") == [], word


def test_slurs_and_mild_words_have_their_tiers() -> None:
    assert tiers(MATCHER, "эти пидорасы") == {"slur"}
    assert tiers(MATCHER, "опять жиды виноваты") == {"slur"}
    assert tiers(MATCHER, "какое-то говно и дерьмо, хрень полная") == {"mild"}
    assert not held(MATCHER, "вот же жопа")


def test_the_module_says_where_its_words_come_from() -> None:
    assert "written for this project" in ru.SOURCE
    assert {"strong", "slur", "mild"} <= set(ru.words())


@pytest.mark.parametrize(
    "text", ["😡сука опять", "Вот🤬ебанутые", "«Заебали»", "…блядь", "№1 мудак"]
)
def test_a_word_touching_an_emoji_or_punctuation_is_still_read(text: str) -> None:
    assert held(MATCHER, text), text
