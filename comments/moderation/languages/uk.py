"""Ukrainian: the shared Slavic roots, `їбати` and its family, `курва`, mild words.

Source: written for this project; no list was copied.
"""

from __future__ import annotations

from collections.abc import Mapping

from comments.models import Tier
from comments.moderation.languages import slavic
from comments.moderation.roots import Root

SOURCE = "written for this project"

YIBATY = Root("їбати", "strong", ("їб",), r"їб(?:[аеиуоні]|$)")
SRAKA = Root("срака", "mild", ("срак",), r"^срак(?:а|и|у|ою|і|о)$")
LAINO = Root("лайно", "mild", ("лайн",), r"^лайн(?:о|а|у|ом|і)$")

ROOTS = (*slavic.COMMON, YIBATY, SRAKA, LAINO, slavic.SHLYUHA, slavic.MUDAK)


def words() -> Mapping[Tier, tuple[str, ...]]:
    """Headwords, for censored spellings."""
    return {
        "strong": ("хуй", "пизда", "блядь", "їбати", "курва", "сука"),
        "slur": ("підор",),
        "mild": ("гівно", "лайно", "срака", "дупа"),
    }
