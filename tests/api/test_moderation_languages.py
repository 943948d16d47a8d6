"""The built-in lists in Russian, Ukrainian, Belarusian and English, through the HTTP API and
the dry run alike: every evasion family, the tiers and what a site chooses for each, the
languages a site chooses, and the ordinary text (numbers, names, Russian words that hold
an obscene root) that must never wait for a moderator.

The examples are this file's own; the labelled corpus in `tests/data/` is judged apart.
"""

from __future__ import annotations

import json
from typing import Any

from comments.models import SitePolicy
from tests.harness import Harness

CHECK = "/api/v1/sites/news/moderation/check"

# One line per family: (family, text, tier). Each is held by the default policy.
HELD = [
    ("plain, Russian", "Это просто пиздец какой-то, а не бюджет.", "strong"),
    ("inflected", "Чиновники опять всё разъебали к выборам.", "strong"),
    ("inflected", "Захуярили новый налог без обсуждения.", "strong"),
    ("inflected", "Какой-то распиздяйский подход к ремонту дорог.", "strong"),
    ("inflected", "Опять наебалово с тарифами.", "strong"),
    ("capitals", "БЛЯДСКИЙ цирк в горсовете.", "strong"),
    ("compound, Russian", "Очередной долбоёбский указ.", "strong"),
    ("hashtag, Russian", "#нахуйвойну пишут все вокруг.", "strong"),
    ("compound, English", "The whole budget is a clusterfuck.", "strong"),
    ("hashtag, English", "#fuckthelot of them, frankly.", "strong"),
    ("glued, English", "Whatthefuck is this plan?", "strong"),
    ("phonetic, English", "Phuking useless council.", "strong"),
    ("phonetic, Russian", "Ну и писдец тут творится.", "strong"),
    ("phonetic, Russian", "Йобаный стыд этот тендер.", "strong"),
    ("transliterated", "Blyat, again the trains are late.", "strong"),
    ("symbols", "What a f♦u♦c♦k♦i♦n♦g mess.", "strong"),
    ("symbols, Russian", "Полный п~и~з~д~е~ц с этими ценами.", "strong"),
    ("spaced", "This is s h i t and you know it.", "strong"),
    ("spaced, Russian", "Они там все х у е в ы е.", "strong"),
    ("repeated", "Fuuuuuck this new parking scheme.", "strong"),
    ("repeated, Russian", "Бляяяяять, опять отключили свет.", "strong"),
    ("leet", "The mayor is a total sh1thead.", "strong"),
    ("leet, Russian", "Ну ты и мyд@к, конечно.", "strong"),
    ("censored", "What the f*ck were they thinking?", "strong"),
    ("censored, Russian", "Опять п*здят про рост зарплат.", "strong"),
    ("Latin in Cyrillic", "Какой хyёвый ремонт.", "strong"),
    ("Cyrillic in Latin", "Such a fucкing disgrace.", "strong"),
    ("circled", "Total ⓑⓤⓛⓛⓢⓗⓘⓣ from the minister.", "strong"),
    ("regional indicators", "🇸🇭🇮🇹 decision by the board.", "strong"),
    ("mathematical", "𝓯𝓾𝓬𝓴 this tax.", "strong"),
    ("small capitals", "ᴄᴜɴᴛ of a landlord.", "strong"),
    ("zero-width", "Absolute bull\u200bshit from the board.", "strong"),
    ("bidi override", "They are \u202ekcuf\u202c liars.", "strong"),
    ("combining marks", "Вот х̶у̶й̶ня полная.", "strong"),
    ("Ukrainian", "Знову якась хуйня з опаленням, курва.", "strong"),
    ("Ukrainian", "Заїбали вже ці відключення.", "strong"),
    ("Belarusian", "Гэта проста пізд́ец, а не рамонт.", "strong"),
    ("slur, Russian", "Там одни пидорасы сидят.", "slur"),
    ("slur, English", "Go home, you faggots.", "slur"),
]

PUBLISHED = [
    "Комментарий #17 и #33 ответили на вопрос из #49.",
    "Шоссе n19 и трасса M1 закрыты до утра; I-95 тоже.",
    "The F-35, the Su-57, the AK-47 and the B-52 were on display.",
    "World War II ended in 1945; Louis XIV built Versailles; Super Bowl XXX was in 1996.",
    "Страхуйте машину заранее, а потом не перестрахуйтесь.",
    "Употреблять мандарины командир не запрещал, мандат у него есть.",
    "Херсон, Мандела, Хуанхэ и Сучжоу: новости недели.",
    "Корабля и рубля не хватает, оскорблять никого не надо.",
    "Хлеб подорожал, небо ясное, себе дороже спорить.",
    "Скипидар, педикюр и хачапури продаются в одном магазине.",
    "Бляшки в сосудах и бляха ремня не имеют отношения к политике.",
    "The Scunthorpe therapist met an assassin in Penistone and Sussex.",
    "Dick Francis and Philip K. Dick both wrote in Essex; Whitey Bulger did not.",
    "Sheila Dikshit governed Delhi; the shiitake harvest in Fukushima was late.",
    "Migrants on Lesbos waited for the ferry to Slutsk, Belarus.",
    "He cocked his hat at the Cockburn fundraiser with Hancock.",
    "Блин, ёлки, вот же дурак, честное слово.",
]


def policy(h: Harness, **fields: Any) -> None:
    base = {
        "rate_per_minute": 0,
        "rate_per_hour": 0,
        "ip_rate_per_hour": 0,
        "surge_per_minute": 0,
        "duplicate_window_seconds": 0,
    }
    h.run(lambda s: s.sites.update("news", policy=SitePolicy.model_validate(base | fields)))


def check(h: Harness, mod: str, text: str) -> dict[str, Any]:
    r = h.client.post(CHECK, json={"body": text}, headers=h.auth(mod))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_every_family_is_held_with_its_tier_through_posts_and_the_dry_run(
    harness: Harness,
) -> None:
    policy(harness)
    token, mod = harness.token(), harness.moderator()
    for family, text, tier in HELD:
        posted = harness.post(token, text).json()
        assert posted.get("status") == "pending", (family, text, posted)
        reason = posted["moderation"]["reasons"][0]
        assert reason["code"] == "PROFANITY" and reason["tier"] == tier, (family, reason)
        dry = check(harness, mod, text)
        assert dry["action"] == "hold", (family, dry)
        assert dry["reasons"][0]["tier"] == tier
    assert harness.thread()["comments"] == []


def test_ordinary_text_numbers_names_and_roots_inside_words_are_published(
    harness: Harness,
) -> None:
    policy(harness)
    token, mod = harness.token(), harness.moderator()
    for text in PUBLISHED:
        posted = harness.post(token, text).json()
        assert posted["status"] == "approved", (text, posted.get("moderation"))
        assert check(harness, mod, text) == {"action": "allow", "masked": False, "reasons": []}


def test_mild_words_are_published_by_default_and_held_where_the_site_says_so(
    harness: Harness,
) -> None:
    policy(harness)
    token = harness.token()
    for text in ("Damn, what the hell is this crap?", "Вот же хрень, какое дерьмо."):
        assert harness.post(token, text).json()["status"] == "approved", text
    policy(harness, profanity_mild="hold", profanity_slur="reject")
    held = harness.post(token, "Bloody hell, the buses again.").json()
    assert held["status"] == "pending"
    assert held["moderation"]["reasons"][0]["tier"] == "mild"
    rejected = harness.post(token, "Go home, you faggots, all of you.").json()
    assert rejected["status"] == "rejected"
    assert rejected["moderation"]["reasons"][0]["tier"] == "slur"


def test_each_tier_can_be_masked_and_the_masked_text_is_published(harness: Harness) -> None:
    policy(harness, profanity_strong="mask")
    posted = harness.post(harness.token(), "Полный пиздец с этой дорогой.").json()
    assert posted["status"] == "approved"
    assert "пиздец" not in posted["html"] and "п*****" in posted["html"]


def test_a_site_chooses_its_languages(harness: Harness) -> None:
    policy(harness, profanity_languages=["en"])
    token = harness.token()
    assert harness.post(token, "Это просто пиздец.").json()["status"] == "approved"
    assert harness.post(token, "This is fucked.").json()["status"] == "pending"
    policy(harness, profanity_languages=["ru"])
    assert harness.post(token, "Это снова пиздец.").json()["status"] == "pending"
    assert harness.post(token, "This is so fucked.").json()["status"] == "approved"


def test_an_old_script_sending_one_action_sets_every_tier(harness: Harness) -> None:
    admin = harness.moderator("dev:boss", role="admin")
    settings = "/api/v1/sites/news/settings"
    current = harness.client.get(settings, headers=harness.auth(admin)).json()["policy"]
    old = {k: v for k, v in current.items() if not k.startswith("profanity_")}
    r = harness.client.put(
        settings,
        json={"policy": old | {"profanity_action": "reject"}},
        headers=harness.auth(admin),
    )
    assert r.status_code == 200, r.text
    stored = r.json()["policy"]
    assert (stored["profanity_mild"], stored["profanity_strong"], stored["profanity_slur"]) == (
        "reject",
        "reject",
        "reject",
    )
    assert "profanity_action" not in stored
    assert harness.post(harness.token(), "Damn.").json()["status"] == "rejected"


HOSTILE = {
    "one letter": "а" * 10_000,
    "invisible": "\u200b" * 10_000,
    "combining": "е" + "\u0301" * 9_999,
    "mixed scripts": "хуйfuckпизда" * 800,
    "emoji": "😀" * 5_000,
    "right-to-left": "\u202e" + "שלום עולם " * 900,
    "lone surrogates": "\ud800" * 10,
    "stars": "*" * 10_000,
    "spaced letters": "f u c k " * 1_200,
}


def test_hostile_texts_get_an_answer_and_never_an_error(harness: Harness) -> None:
    policy(harness, max_char_run=10_000)
    mod = harness.moderator()
    for name, text in HOSTILE.items():
        r = harness.client.post(
            CHECK,
            content=json.dumps({"body": text}),  # escapes lone surrogates as JSON allows
            headers=harness.auth(mod) | {"Content-Type": "application/json"},
        )
        assert r.status_code in (200, 422), (name, r.text)
        if r.status_code == 422:
            assert r.json()["error"]["code"] == "invalid", name
