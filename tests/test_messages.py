"""The reason catalog and `Accept-Language`: every code in every language, English the
pipeline's own words, old stored reasons still localized, and no header that breaks it."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime
from typing import Any

import pytest

from comments.messages import CATALOGS, MAX_HEADER, localized, negotiate, shown
from comments.models import LANGUAGES, Language, SitePolicy
from comments.moderation import Facts, Submission
from comments.moderation.phases import (
    banned,
    duplicate_text,
    external_classifier,
    link_rules,
    premoderation,
    repeated_characters,
    reported,
    shouting,
    surge,
    too_many_links,
    word_lists,
)
from comments.moderation.verdicts import ReasonCode, Verdict
from comments.moderation.words import WordHit

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў")
NOT_CATALOGUED = {"CLASSIFIER"}  # the site's classifier's own words, unless it gave none


def facts(approved: int = 10, **fields: Any) -> Facts:
    policy = SitePolicy.model_validate(fields.pop("policy", {}))
    return Facts(policy=policy, author_id="dev:a", author_approved=approved, now=NOW, **fields)


def text(
    body: str = "A measured view.", links: tuple[str, ...] = (), edit: bool = False
) -> Submission:
    return Submission(body=body, link_count=len(links), is_edit=edit, links=links)


def pipeline_verdicts() -> list[Verdict]:
    """A verdict of every kind the content and review phases give, as the pipeline words it."""
    found: list[Verdict | None] = [
        banned(text(), facts(shadow_banned=True)),
        surge(text(), facts(surge_holds=True)),
        premoderation(text(), facts(policy={"premoderation": "all"})),
        premoderation(text(), facts(0, policy={"premoderation": "new"})),
        reported(text(edit=True), facts(hidden_by_reports=True)),
        link_rules(
            text("see https://spam.example/x", ("https://spam.example/x",)),
            facts(policy={"blocked_domains": ["spam.example"]}),
        ),
        link_rules(
            text("see https://else.example/x", ("https://else.example/x",)),
            facts(policy={"allowed_domains": ["ok.example"]}),
        ),
        link_rules(text("see https://a.example", ("https://a.example",)), facts(0)),
        too_many_links(text("links", tuple(f"https://a.example/{i}" for i in range(5))), facts()),
        duplicate_text(text(), facts(same_text_by_author=1)),
        duplicate_text(text(), facts(same_text_by_others=5)),
        shouting(text("THIS IS ALL IN CAPITAL LETTERS, ALL OF IT"), facts()),
        repeated_characters(text("no" + "o" * 40), facts()),
        external_classifier(text(), facts(classifier_failed=True)),
        external_classifier(text(), facts(classifier=("hold", None))),
    ]
    for action in ("hold", "reject", "mask"):
        for tier in ("mild", "strong", "slur"):
            hit = WordHit("default", "word", (0, 4), tier)  # type: ignore[arg-type]
            policy = {f"profanity_{tier}": action}
            found.append(word_lists(text("word"), facts(word_hits=(hit,), policy=policy)))
        for name in ("banned", "suspect"):
            hit = WordHit(name, "word", (0, 4))
            policy = {f"{name}_words": ["word"], f"{name}_action": action}
            found.append(word_lists(text("word"), facts(word_hits=(hit,), policy=policy)))
    verdicts = [verdict for verdict in found if verdict is not None]
    assert len(verdicts) == len(found)
    return verdicts


def test_english_is_the_pipelines_own_wording_for_every_verdict_it_gives() -> None:
    for verdict in pipeline_verdicts():
        assert localized(verdict.reason().to_json(), "en") == verdict.message, verdict.code


@pytest.mark.parametrize("language", ["ru", "uk", "be"])
def test_every_verdict_reads_in_each_language_and_names_what_it_found(language: Language) -> None:
    seen: set[str] = set()
    for verdict in pipeline_verdicts():
        reason = verdict.reason().to_json()
        said = localized(reason, language)
        assert said != verdict.message and CYRILLIC & set(said.lower()), (verdict.code, said)
        assert "{" not in said and "}" not in said, said
        for value in dict(verdict.params).values():
            assert str(value) in said, (verdict.code, said)
        seen.add(verdict.code)
    unreached = {"FILTER_ERROR", "LISTED_WORD"}  # a filter failing; a list the site lacks
    assert seen | NOT_CATALOGUED == {code.value for code in ReasonCode} - unreached


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_has_a_message_in_every_language(language: Language) -> None:
    for code in ReasonCode:
        reason: dict[str, Any] = {"code": code.value, "message": "stored", "action": "hold"}
        if code in (ReasonCode.TOO_MANY_LINKS,):
            reason["params"] = {"count": 4, "limit": 3}
        if code in (ReasonCode.BLOCKED_DOMAIN, ReasonCode.LINK_DOMAIN):
            reason["params"] = {"host": "spam.example"}
        if code == ReasonCode.MASKED:
            reason["action"] = "allow"
        if code == ReasonCode.CLASSIFIER:
            assert localized(reason, language) == "stored"  # the classifier's own words
            continue
        assert localized(reason, language) != "stored", (language, code)


def test_distinct_wordings_per_action_and_tier() -> None:
    for language, catalog in CATALOGS.items():
        tiered = {
            localized({"code": "PROFANITY", "action": action, "tier": tier}, language)
            for action in ("hold", "reject")
            for tier in ("mild", "strong", "slur")
        }
        assert len(tiered) == 6, language
        assert len(set(catalog.words.values())) == 3, language
        held = localized({"code": "BANNED_WORD", "action": "hold"}, language)
        refused = localized({"code": "BANNED_WORD", "action": "reject"}, language)
        assert held != refused


def test_a_reason_stored_before_tiers_gets_the_tierless_wording() -> None:
    old = {
        "code": "PROFANITY",
        "message": "Your comment contains a word a moderator will look at before publishing.",
        "action": "hold",
        "span": [0, 4],
    }
    assert localized(old, "en") == old["message"]
    assert localized(old, "ru") == CATALOGS["ru"].words["hold"]
    masked = {"code": "MASKED", "action": "allow",
              "message": "Some words in your comment were masked."}  # fmt: skip
    assert localized(masked, "uk") == CATALOGS["uk"].words["mask"]


def test_a_reason_stored_before_params_is_read_from_its_english_message() -> None:
    links = {
        "code": "TOO_MANY_LINKS",
        "message": "Your comment has 5 links; this site reviews comments with more than 3 "
        "before publishing them.",
        "action": "hold",
    }
    assert localized(links, "ru").startswith("В вашем комментарии 5 ссылок;")
    assert "3" in localized(links, "be")
    host = {
        "code": "BLOCKED_DOMAIN",
        "message": "Links to spam.example are not allowed on this site.",
        "action": "reject",
    }
    assert localized(host, "uk") == "Посилання на spam.example на цьому сайті заборонені."
    unreadable = {"code": "LINK_DOMAIN", "message": "Something else entirely.", "action": "hold"}
    assert localized(unreadable, "ru") == "Something else entirely."


@pytest.mark.parametrize(
    ("count", "russian"),
    [(1, "1 ссылка"), (2, "2 ссылки"), (4, "4 ссылки"), (5, "5 ссылок"), (11, "11 ссылок"),
     (12, "12 ссылок"), (21, "21 ссылка"), (22, "22 ссылки"), (25, "25 ссылок"),
     (111, "111 ссылок")],
)  # fmt: skip
def test_counts_take_the_plural_their_number_needs(count: int, russian: str) -> None:
    reason = {"code": "TOO_MANY_LINKS", "action": "hold", "params": {"count": count, "limit": 0}}
    assert russian in localized(reason, "ru")
    english = localized(reason, "en")
    assert (f"{count} link;" if count == 1 else f"{count} links;") in english


def test_what_it_does_not_know_stays_as_stored() -> None:
    for reason in (
        {"code": "CLASSIFIER", "message": "Looks like spam to us.", "action": "hold"},
        {"code": "BANNED", "message": "You are banned until Monday.", "action": "reject"},
        {"code": "A_LATER_CODE", "message": "New.", "action": "hold"},
        {"code": "PROFANITY", "message": "Odd.", "action": "hold", "tier": "volcanic"},
        {"code": "PROFANITY", "message": "Odd.", "action": "allow"},
        {"code": "TOO_MANY_LINKS", "message": "Odd.", "action": "hold", "params": {"count": "5"}},
        {"code": "LINK_DOMAIN", "message": "Odd.", "action": "hold", "params": {"host": 7}},
        {"code": None, "message": "Odd."},
    ):
        assert localized(reason, "ru") == reason["message"]
    assert localized({}, "ru") == ""
    classifier = {"code": "CLASSIFIER", "action": "hold",
                  "message": "This site's checks flagged your comment for review."}  # fmt: skip
    assert CYRILLIC & set(localized(classifier, "ru"))


def test_shown_carries_the_tier_where_a_word_list_decided() -> None:
    reason = {"code": "PROFANITY", "message": "x", "action": "reject", "span": [1, 2],
              "tier": "slur", "params": {}}  # fmt: skip
    assert shown(reason, "be", "span") == {
        "code": "PROFANITY",
        "message": "У вашым каментары ёсць абразлівае слова, а такія словы гэты сайт не дазваляе.",
        "span": [1, 2],
        "tier": "slur",
    }
    assert "tier" not in shown({"code": "SHOUTING", "action": "hold"}, "ru")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("ru", "ru"),
        ("RU", "ru"),
        ("ru-RU", "ru"),
        ("be-BY", "be"),
        ("uk-UA,uk;q=0.9", "uk"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-US,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE, de;q=0.9, uk;q=0.4, be;q=0.5", "be"),
        ("de", "en"),
        ("fr;q=1, ru;q=0.001", "ru"),
        ("ru;q=0", "en"),
        ("ru;q=0, ru-RU", "en"),  # the bare range decides for its language
        ("ru;q=0.2, uk;q=0.2", "ru"),  # a tie: the first listed
        ("uk;q=0.2, ru;q=0.2", "uk"),
        ("*", "en"),
        ("en;q=0, *", "ru"),
        ("*;q=0.5, be", "be"),
        ("be;Q=0.9 , ru ; q=0.95", "ru"),
        ("ua", "uk"),
        ("zh-Hant-TW, ru;q=0.1", "ru"),
    ],
)
def test_negotiate_follows_the_weights_and_ranges(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        "ru;q=2",
        "ru;q=-1",
        "ru;q=0.0001",
        "ru;q=abc",
        "ru;level=1",
        "русский",
        "ru-",
        "-ru",
        "r u",
        "ru-RU-toolongsubtag",
        ";;;,,,===",
        "\x00ru",
        "ru" + ", x" * 300,  # over the bound: not read at all
        "x" * (MAX_HEADER + 1),
    ],
)
def test_junk_is_english_and_never_raises(header: str) -> None:
    assert negotiate(header) == "en"


def test_random_headers_never_raise() -> None:
    rng = random.Random(9110)
    alphabet = string.printable + "ёЁіў\u00a0\u200b\udcff"
    for _ in range(3000):
        header = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        assert negotiate(header) in LANGUAGES
