"""Canonical text for matching, and spans that lead back to what the reader typed."""

from __future__ import annotations

import pytest

from comments.moderation.normalize import fold_mixed, mixes_scripts, normalize, visible


def original(text: str, start: int, end: int) -> str:
    """The original characters behind a canonical span."""
    first, last = normalize(text).span(start, end)
    return text[first:last]


def test_plain_ascii_is_lowercased_and_keeps_every_position() -> None:
    normalized = normalize("Hello, World")
    assert normalized.text == "hello, world"
    assert normalized.span(7, 12) == (7, 12)


@pytest.mark.parametrize(
    "hidden",
    [
        *("\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff", "\u200e", "\u202e"),
        *("\u2066", "\u3164", "\u2800", "\U000e0041", "\ufe0f", "\x00", "\ue000"),
    ],
)
def test_invisible_characters_are_dropped(hidden: str) -> None:
    assert normalize(f"f{hidden}u{hidden}ck").text == "fuck"


def test_span_of_a_word_with_hidden_characters_covers_them() -> None:
    text = "so f\u200bu\u00adck it"
    normalized = normalize(text)
    start = normalized.text.index("fuck")
    assert original(text, start, start + 4) == "f\u200bu\u00adck"


def test_combining_marks_are_dropped_and_stay_inside_the_span() -> None:
    text = "a f\u0338u\u0337c\u0335k\u0336 b"
    assert normalize(text).text == "a fuck b"
    assert original(text, 2, 6) == "f\u0338u\u0337c\u0335k\u0336"


def test_accented_letters_lose_their_accents() -> None:
    assert normalize("Ḟüćḱ Crème Brûlée").text == "fuck creme brulee"


@pytest.mark.parametrize(
    "disguised",
    ["ｆｕｃｋ", "𝐟𝐮𝐜𝐤", "𝓯𝓾𝓬𝓴", "𝔣𝔲𝔠𝔨", "ⓕⓤⓒⓚ", "🄵🅄🄲🄺", "🅵🆄🅲🅺", "🅕🅤🅒🅚", "ꜰᴜᴄᴋ", "FUCK"],
)
def test_letter_forms_no_language_writes_words_in_fold_to_latin(disguised: str) -> None:
    assert normalize(disguised).text == "fuck"


def test_spans_count_astral_characters_as_one_code_point() -> None:
    text = "x 𝐟𝐮𝐜𝐤 y"
    assert original(text, 2, 6) == "𝐟𝐮𝐜𝐤"


def test_one_character_that_expands_maps_every_piece_to_itself() -> None:
    text = "ﬁne…"
    normalized = normalize(text)
    assert normalized.text == "fine..."
    assert normalized.span(0, 1) == (0, 1)
    assert normalized.span(0, 2) == (0, 1)
    assert normalized.span(4, 7) == (3, 4)


def test_curly_quotes_and_dashes_read_as_their_ascii_forms() -> None:
    normalized = normalize("He’ll say “no” — «да» • end")
    assert normalized.text == 'he\'ll say "no" - "да" . end'
    assert normalized.origin is None


def test_russian_and_belarusian_text_keeps_its_letters() -> None:
    russian = "Йошкар-Ола: подъём, объём и ещё раз Ёлка"
    belarusian = "Дзякуй, ў Мінску ішоў дождж; Україна, їжак"
    assert normalize(russian).text == russian.lower().replace("ё", "е")
    assert normalize(belarusian).text == belarusian.lower()


def test_decomposed_short_letters_are_composed_like_the_precomposed_ones() -> None:
    assert normalize("и\u0306 у\u0306 і\u0308").text == "й ў ї"


def test_lone_surrogates_are_dropped() -> None:
    text = "sh\ud800it \udfff"
    normalized = normalize(text)
    assert normalized.text == "shit "
    assert normalized.span(0, 4) == (0, 5)


def test_words_that_mix_scripts_read_both_as_latin_and_as_cyrillic() -> None:
    assert fold_mixed("fuсk")[:2] == ("fuck", "fиск")  # Cyrillic с in a Latin word
    assert "пиздец" in fold_mixed("пиzдец")  # a Latin letter for the Cyrillic one it sounds like
    assert "хуй" in fold_mixed("хyй")
    assert "fuck" in fold_mixed("fυck")  # Greek upsilon


def test_single_script_words_are_not_folded() -> None:
    for word in ("рот", "сосна", "хорошо", "шмат", "ναι", "hello"):
        assert not mixes_scripts(word)
        assert fold_mixed(word) == ()


def test_cyrillic_lookalikes_foreign_to_russian_count_as_latin() -> None:
    assert "shit" in fold_mixed("ѕһіт")


def test_visible_keeps_what_a_reader_sees() -> None:
    assert visible("f\u200bu\u0301c\u00adk \ud800!") == "fuck !"


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 10_000,
        "\u200b" * 10_000,
        "e" + "\u0301" * 10_000,
        "аa" * 5_000,
        "😀" * 10_000,
        "\ud800" * 10_000,
        "ﷺ" * 2_000,
    ],
)
def test_hostile_texts_normalise_to_something_no_longer_than_their_expansion(
    hostile: str,
) -> None:
    normalized = normalize(hostile)
    assert len(normalized.text) <= 18 * len(hostile)
    if normalized.text:
        assert normalized.span(0, len(normalized.text))[1] <= len(hostile)
