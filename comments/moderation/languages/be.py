"""Belarusian: the shared Slavic roots (`пізда`, `ебаць`, `блядзь` are among their
forms), `курва`, mild words.

Source: written for this project; no list was copied.
"""

from __future__ import annotations

from collections.abc import Mapping

from comments.models import Tier
from comments.moderation.languages import slavic

SOURCE = "written for this project"

ROOTS = (*slavic.COMMON, slavic.SHLYUHA, slavic.MUDAK, slavic.ZHOPA)


def words() -> Mapping[Tier, tuple[str, ...]]:
    """Headwords, for censored spellings."""
    return {
        "strong": ("хуй", "пізда", "блядзь", "ебаць", "курва", "сука"),
        "slur": ("підар",),
        "mild": ("гаўно", "дупа"),
    }
