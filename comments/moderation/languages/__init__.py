"""The built-in word lists, one data module per language, and the rules they share.

A language is one module with `WORDS` (whole words by tier, matched like a site's own
list: every evasion `comments.moderation.words` resolves applies) and `ROOTS` (rules for
roots inside longer tokens, which a list alone cannot cover: Russian morphology, English
compounds). `SOURCE` says where its words come from and under which licence.

Adding a language: write its module, add it to `MODULES`, and add its code to
`comments.models.Language`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType, ModuleType

from comments.models import Language, Tier
from comments.moderation.languages import be, en, ru, uk
from comments.moderation.roots import Root

MODULES: Mapping[Language, ModuleType] = MappingProxyType({"en": en, "ru": ru, "uk": uk, "be": be})


def words(languages: tuple[Language, ...]) -> dict[str, Tier]:
    """Every built-in word of these languages with its tier (the worst, if listed twice)."""
    order = {"mild": 0, "strong": 1, "slur": 2}
    found: dict[str, Tier] = {}
    for code in languages:
        listed: Mapping[Tier, tuple[str, ...]] = MODULES[code].words()
        for tier, entries in listed.items():
            for entry in entries:
                if order[tier] >= order[found.get(entry, "mild")]:
                    found[entry] = tier
    return found


def roots(languages: tuple[Language, ...]) -> tuple[Root, ...]:
    """The root rules of these languages, each once."""
    seen: dict[str, Root] = {}
    for code in languages:
        for root in MODULES[code].ROOTS:
            seen.setdefault(root.key, root)
    return tuple(seen.values())


def names(languages: tuple[Language, ...]) -> frozenset[str]:
    """Built-in words that are also first names: not a hit when written as a name."""
    return frozenset(
        name for code in languages for name in getattr(MODULES[code], "NAMES", ())
    )
