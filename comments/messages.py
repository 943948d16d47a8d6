"""Reason messages in the reader's language, and which language a request asks for.

The pipeline stores each reason with an English `message` and what decided it (`code`,
`action`, and for word lists `tier`, for links `params`). The message a person reads is
chosen here when it is shown, from those fields rather than from the English text, so
a comment stored today reads in Russian tomorrow, and one stored before tiers existed
still gets the wording without a tier. What the catalog does not know (the site's own
classifier's words, refusals, a code from a later version) keeps its stored English.

`negotiate` reads `Accept-Language` (RFC 9110, 12.5.4) with its q-values and ranges;
it never raises, and a header longer than `MAX_HEADER` is not read at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from comments.models import LANGUAGES, Language

__all__ = ["DEFAULT", "MAX_HEADER", "Catalog", "localized", "negotiate", "shown"]

DEFAULT: Language = "en"
MAX_HEADER = 512
"""Longer `Accept-Language` values are not parsed (real browsers send under 100)."""

WORD_CODES = frozenset({"PROFANITY", "MASKED", "BANNED_WORD", "SUSPECT_WORD", "LISTED_WORD"})
TIERS = ("mild", "strong", "slur")
CLASSIFIER_DEFAULT = "This site's checks flagged your comment for review."
"""What the pipeline says when the site's classifier flags a comment without a reason."""

# Reasons stored before `params` existed: what their English message names.
_STORED_PARAMS = MappingProxyType({
    "TOO_MANY_LINKS": re.compile(
        r"Your comment has (?P<count>[0-9]{1,6}) links; this site reviews comments "
        r"with more than (?P<limit>[0-9]{1,6}) before publishing them\."
    ),
    "BLOCKED_DOMAIN": re.compile(r"Links to (?P<host>\S{1,253}) are not allowed on this site\."),
    "LINK_DOMAIN": re.compile(
        r"Links to (?P<host>\S{1,253}) are checked by a moderator before publishing\."
    ),
})  # fmt: skip
_INTEGER_PARAMS = frozenset({"count", "limit"})


@dataclass(frozen=True)
class Catalog:
    """One language's reason messages."""

    fixed: Mapping[str, str]
    """code -> the message of a reason that names nothing."""
    words: Mapping[str, str]
    """hold, reject or mask -> a word from a list without a tier (the site's own lists)."""
    tiered: Mapping[str, str]
    """hold, reject or mask -> a built-in word of a tier, `{what}` naming the tier."""
    what: Mapping[str, str]
    """mild, strong or slur -> what `{what}` says."""
    named: Mapping[str, str]
    """code -> a message naming `{host}`, or `{count}` `{links}` and `{limit}`."""
    links: tuple[str, ...]
    """The noun after a count: one, few, many (English: one, other)."""

    def count_noun(self, count: int) -> str:
        """The form of "links" that goes with `count`."""
        return plural_form(self.links, count)


def plural_form(forms: tuple[str, ...], count: int) -> str:
    """The form that goes with `count` (CLDR plural rules): one and other in English; one,
    few and many in Russian, Ukrainian and Belarusian."""
    if len(forms) == 2:
        return forms[0 if count == 1 else 1]
    if count % 10 == 1 and count % 100 != 11:
        return forms[0]
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return forms[1]
    return forms[2]


def _catalog(
    *,
    fixed: dict[str, str],
    words: dict[str, str],
    tiered: dict[str, str],
    what: dict[str, str],
    named: dict[str, str],
    links: tuple[str, ...],
) -> Catalog:
    return Catalog(
        MappingProxyType(fixed),
        MappingProxyType(words),
        MappingProxyType(tiered),
        MappingProxyType(what),
        MappingProxyType(named),
        links,
    )


ENGLISH = _catalog(
    fixed={
        "SHADOW_BANNED": "Shown to its author only.",
        "SURGE": "This site reviews every comment while this discussion is this busy.",
        "PREMODERATION": "This site reviews every comment before publishing it.",
        "NEW_AUTHOR": "This site reviews the first comments of new readers before publishing them.",
        "REPORTED": "Readers reported this comment; a moderator will look at your edit.",
        "NEW_AUTHOR_LINKS": "Links from new readers are checked by a moderator before publishing.",
        "DUPLICATE": "You posted this text already; a moderator will look at it.",
        "COPY_PASTE": "Several readers posted this same text; a moderator will look at it.",
        "SHOUTING": "Your comment is mostly in capital letters; a moderator will look at it.",
        "REPEATED_CHARACTERS": (
            "Your comment repeats one character many times; a moderator will look at it."
        ),
        "CLASSIFIER": CLASSIFIER_DEFAULT,
        "CLASSIFIER_UNAVAILABLE": "Your comment will be published after a quick review.",
        "FILTER_ERROR": "Your comment will be published after a quick review.",
    },
    words={
        "reject": "Your comment contains a word this site does not allow.",
        "hold": "Your comment contains a word a moderator will look at before publishing.",
        "mask": "Some words in your comment were masked.",
    },
    tiered={
        "reject": "Your comment contains {what}, which this site does not allow.",
        "hold": "Your comment contains {what}; a moderator will look at it before publishing.",
        "mask": "Your comment contains {what}; it was masked.",
    },
    what={"mild": "a mild swear word", "strong": "an obscenity", "slur": "a slur"},
    named={
        "TOO_MANY_LINKS": "Your comment has {count} {links}; this site reviews comments "
        "with more than {limit} before publishing them.",
        "BLOCKED_DOMAIN": "Links to {host} are not allowed on this site.",
        "LINK_DOMAIN": "Links to {host} are checked by a moderator before publishing.",
    },
    links=("link", "links"),
)

RUSSIAN = _catalog(
    fixed={
        "SHADOW_BANNED": "Комментарий виден только его автору.",
        "SURGE": "Пока обсуждение такое оживлённое, этот сайт проверяет каждый комментарий.",
        "PREMODERATION": "Этот сайт проверяет каждый комментарий перед публикацией.",
        "NEW_AUTHOR": "Первые комментарии новых читателей этот сайт проверяет перед публикацией.",
        "REPORTED": "Читатели пожаловались на этот комментарий; модератор посмотрит вашу правку.",
        "NEW_AUTHOR_LINKS": "Ссылки от новых читателей модератор проверяет перед публикацией.",
        "DUPLICATE": "Вы уже отправляли этот текст; модератор посмотрит комментарий.",
        "COPY_PASTE": (
            "Несколько читателей отправили один и тот же текст; модератор посмотрит комментарий."
        ),
        "SHOUTING": (
            "Ваш комментарий написан в основном заглавными буквами; модератор его посмотрит."
        ),
        "REPEATED_CHARACTERS": (
            "В вашем комментарии один символ повторяется много раз подряд; "
            "модератор его посмотрит."
        ),
        "CLASSIFIER": "Автоматическая проверка сайта передала ваш комментарий модератору.",
        "CLASSIFIER_UNAVAILABLE": "Ваш комментарий опубликуют после быстрой проверки.",
        "FILTER_ERROR": "Ваш комментарий опубликуют после быстрой проверки.",
    },
    words={
        "reject": "В вашем комментарии есть слово, которое этот сайт не допускает.",
        "hold": "В вашем комментарии есть слово, которое модератор посмотрит перед публикацией.",
        "mask": "Некоторые слова в вашем комментарии скрыты звёздочками.",
    },
    tiered={
        "reject": "В вашем комментарии есть {what}, а такие слова этот сайт не допускает.",
        "hold": "В вашем комментарии есть {what}; модератор посмотрит комментарий "
        "перед публикацией.",
        "mask": "В вашем комментарии было {what}; оно скрыто звёздочками.",
    },
    what={"mild": "грубое слово", "strong": "нецензурное слово", "slur": "оскорбительное слово"},
    named={
        "TOO_MANY_LINKS": "В вашем комментарии {count} {links}; комментарии, где ссылок больше "
        "{limit}, этот сайт проверяет перед публикацией.",
        "BLOCKED_DOMAIN": "Ссылки на {host} на этом сайте не допускаются.",
        "LINK_DOMAIN": "Ссылки на {host} модератор проверяет перед публикацией.",
    },
    links=("ссылка", "ссылки", "ссылок"),
)

UKRAINIAN = _catalog(
    fixed={
        "SHADOW_BANNED": "Коментар бачить лише його автор.",
        "SURGE": "Поки обговорення таке жваве, цей сайт перевіряє кожен коментар.",
        "PREMODERATION": "Цей сайт перевіряє кожен коментар перед публікацією.",
        "NEW_AUTHOR": "Перші коментарі нових читачів цей сайт перевіряє перед публікацією.",
        "REPORTED": "Читачі поскаржилися на цей коментар; модератор перегляне ваші зміни.",
        "NEW_AUTHOR_LINKS": "Посилання від нових читачів модератор перевіряє перед публікацією.",
        "DUPLICATE": "Ви вже надсилали цей текст; модератор перегляне коментар.",
        "COPY_PASTE": "Кілька читачів надіслали той самий текст; модератор перегляне коментар.",
        "SHOUTING": "Ваш коментар написано переважно великими літерами; модератор його перегляне.",
        "REPEATED_CHARACTERS": (
            "У вашому коментарі один символ повторюється багато разів поспіль; "
            "модератор його перегляне."
        ),
        "CLASSIFIER": "Автоматична перевірка сайту передала ваш коментар модераторові.",
        "CLASSIFIER_UNAVAILABLE": "Ваш коментар опублікують після швидкої перевірки.",
        "FILTER_ERROR": "Ваш коментар опублікують після швидкої перевірки.",
    },
    words={
        "reject": "У вашому коментарі є слово, яке цей сайт не дозволяє.",
        "hold": "У вашому коментарі є слово, яке модератор перегляне перед публікацією.",
        "mask": "Деякі слова у вашому коментарі приховано зірочками.",
    },
    tiered={
        "reject": "У вашому коментарі є {what}, а такі слова цей сайт не дозволяє.",
        "hold": "У вашому коментарі є {what}; модератор перегляне коментар перед публікацією.",
        "mask": "У вашому коментарі було {what}; його приховано зірочками.",
    },
    what={"mild": "грубе слово", "strong": "нецензурне слово", "slur": "образливе слово"},
    named={
        "TOO_MANY_LINKS": "У вашому коментарі {count} {links}; коментарі, де посилань більше "
        "ніж {limit}, цей сайт перевіряє перед публікацією.",
        "BLOCKED_DOMAIN": "Посилання на {host} на цьому сайті заборонені.",
        "LINK_DOMAIN": "Посилання на {host} модератор перевіряє перед публікацією.",
    },
    links=("посилання", "посилання", "посилань"),
)

BELARUSIAN = _catalog(
    fixed={
        "SHADOW_BANNED": "Каментар бачыць толькі яго аўтар.",
        "SURGE": "Пакуль абмеркаванне такое ажыўленае, гэты сайт правярае кожны каментар.",
        "PREMODERATION": "Гэты сайт правярае кожны каментар перад публікацыяй.",
        "NEW_AUTHOR": "Першыя каментары новых чытачоў гэты сайт правярае перад публікацыяй.",
        "REPORTED": "Чытачы паскардзіліся на гэты каментар; мадэратар прагледзіць вашы змены.",
        "NEW_AUTHOR_LINKS": "Спасылкі ад новых чытачоў мадэратар правярае перад публікацыяй.",
        "DUPLICATE": "Вы ўжо адпраўлялі гэты тэкст; мадэратар прагледзіць каментар.",
        "COPY_PASTE": (
            "Некалькі чытачоў адправілі адзін і той жа тэкст; мадэратар прагледзіць каментар."
        ),
        "SHOUTING": "Ваш каментар напісаны амаль цалкам вялікімі літарамі; "
        "мадэратар яго прагледзіць.",
        "REPEATED_CHARACTERS": (
            "У вашым каментары адзін сімвал паўтараецца шмат разоў запар; "
            "мадэратар яго прагледзіць."
        ),
        "CLASSIFIER": "Аўтаматычная праверка сайта перадала ваш каментар мадэратару.",
        "CLASSIFIER_UNAVAILABLE": "Ваш каментар апублікуюць пасля хуткай праверкі.",
        "FILTER_ERROR": "Ваш каментар апублікуюць пасля хуткай праверкі.",
    },
    words={
        "reject": "У вашым каментары ёсць слова, якое гэты сайт не дазваляе.",
        "hold": "У вашым каментары ёсць слова, якое мадэратар прагледзіць перад публікацыяй.",
        "mask": "Некаторыя словы ў вашым каментары схаваныя зорачкамі.",
    },
    tiered={
        "reject": "У вашым каментары ёсць {what}, а такія словы гэты сайт не дазваляе.",
        "hold": "У вашым каментары ёсць {what}; мадэратар прагледзіць каментар "
        "перад публікацыяй.",
        "mask": "У вашым каментары было {what}; яго схавалі зорачкамі.",
    },
    what={"mild": "грубае слова", "strong": "нецэнзурнае слова", "slur": "абразлівае слова"},
    named={
        "TOO_MANY_LINKS": "У вашым каментары {count} {links}; каментары, дзе спасылак больш "
        "за {limit}, гэты сайт правярае перад публікацыяй.",
        "BLOCKED_DOMAIN": "Спасылкі на {host} на гэтым сайце забароненыя.",
        "LINK_DOMAIN": "Спасылкі на {host} мадэратар правярае перад публікацыяй.",
    },
    links=("спасылка", "спасылкі", "спасылак"),
)

CATALOGS: Mapping[Language, Catalog] = MappingProxyType(
    {"en": ENGLISH, "ru": RUSSIAN, "uk": UKRAINIAN, "be": BELARUSIAN}
)

_RANGE = re.compile(
    r"[ \t]*(\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)[ \t]*"
    r"(?:;[ \t]*q[ \t]*=[ \t]*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))?[ \t]*",
    re.ASCII | re.IGNORECASE,
)
_ALIASES = MappingProxyType({"ua": "uk"})  # a country code publishers often put for Ukrainian


def negotiate(header: str | None) -> Language:
    """The language an `Accept-Language` value prefers among `LANGUAGES`, English by default.

    A range names its language by its primary subtag (`ru-RU` is Russian). A bare range
    outweighs longer ones for its language (`ru;q=0, ru-RU` refuses Russian, as RFC 4647
    filtering has it); `*` covers the languages not named. The highest weight above 0
    wins, ties going to the range listed first. Malformed ranges are skipped.
    """
    if not header or len(header) > MAX_HEADER:
        return DEFAULT
    bare: dict[str, float] = {}
    longer: dict[str, float] = {}
    first: dict[str, int] = {}
    anything: float | None = None
    for position, part in enumerate(header.split(",")):
        match = _RANGE.fullmatch(part)
        if match is None:
            continue
        tag, weight = match.group(1).lower(), match.group(2)
        given = float(weight) if weight else 1.0
        if tag == "*":
            anything = given if anything is None else max(anything, given)
            continue
        primary, dash, _rest = tag.partition("-")
        primary = _ALIASES.get(primary, primary)
        if primary not in CATALOGS:
            continue
        weights = longer if dash else bare
        weights[primary] = max(weights.get(primary, 0.0), given)
        first.setdefault(primary, position)
    best: tuple[float, int] | None = None
    chosen = DEFAULT
    for order, language in enumerate(LANGUAGES):
        q: float | None = bare.get(language, longer.get(language, anything))
        if q is None or q <= 0:
            continue
        rank = (q, -first.get(language, MAX_HEADER + order))
        if best is None or rank > best:
            best, chosen = rank, language
    return chosen


def _params(code: str, reason: Mapping[str, object]) -> dict[str, object] | None:
    """What a named message needs, from the reason's `params` or, for a reason stored
    before they existed, its English message; None when neither gives all of it."""
    given = reason.get("params")
    found: dict[str, object] = dict(given) if isinstance(given, Mapping) else {}
    message = reason.get("message")
    if not found and isinstance(message, str):
        match = _STORED_PARAMS[code].fullmatch(message)
        if match is not None:
            found = {
                name: int(value) if name in _INTEGER_PARAMS else value
                for name, value in match.groupdict().items()
            }
    needed = ("host",) if "host" in _STORED_PARAMS[code].groupindex else ("count", "limit")
    checked: dict[str, object] = {}
    for name in needed:
        value = found.get(name)
        if name in _INTEGER_PARAMS:
            if type(value) is not int or not 0 <= value <= 1_000_000:
                return None
        elif not isinstance(value, str) or not 0 < len(value) <= 253 or not value.isprintable():
            return None
        checked[name] = value
    return checked


def _said(reason: Mapping[str, object], catalog: Catalog) -> str | None:
    """The catalog's message for this reason, or None when it has none."""
    code, action, tier = reason.get("code"), reason.get("action"), reason.get("tier")
    if not isinstance(code, str):
        return None
    if tier is not None and tier not in TIERS:
        return None
    if code in WORD_CODES:
        said = "mask" if code == "MASKED" else action  # stored as "allow": it was published
        if not isinstance(said, str) or said not in catalog.words:
            return None
        if (said == "mask") != (code == "MASKED"):
            return None
        if isinstance(tier, str):
            return catalog.tiered[said].format(what=catalog.what[tier])
        return catalog.words[said]
    if code in catalog.named:
        params = _params(code, reason)
        if params is None:
            return None
        count = params.get("count")
        links = catalog.count_noun(count) if isinstance(count, int) else ""
        return catalog.named[code].format(links=links, **params)
    if code == "CLASSIFIER" and reason.get("message") != CLASSIFIER_DEFAULT:
        return None  # the site's classifier's own words
    return catalog.fixed.get(code)


def localized(reason: Mapping[str, object], language: Language) -> str:
    """The reason's message in `language`; its stored (English) message where the catalog
    has nothing for it."""
    said = _said(reason, CATALOGS.get(language, ENGLISH))
    if said is not None:
        return said
    stored = reason.get("message")
    return stored if isinstance(stored, str) else ""


def shown(reason: Mapping[str, object], language: Language, *fields: str) -> dict[str, object]:
    """A reason as a person is shown it: `code`, the message in `language`, the stored
    `fields` asked for, and `tier` where a word list decided it."""
    out: dict[str, object] = {"code": reason.get("code"), "message": localized(reason, language)}
    for name in fields:
        out[name] = reason.get(name)
    tier = reason.get("tier")
    if tier is not None:
        out["tier"] = tier
    return out
