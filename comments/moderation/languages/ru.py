"""Russian: mat and its derivations, the other strong roots, slurs, and mild words.

Source: written for this project (rules in `slavic`, which this module adds to); the few
whole words below are headwords, for the censored spellings (`х*й`, `бл*дь`) that are
matched by length and their visible letters. Lemmas come from the OpenCorpora dictionary
shipped in `pymorphy3-dicts-ru` (CC BY-SA, data only: used to tell `страхуй` from `хуй`).
"""

from __future__ import annotations

from collections.abc import Mapping

from comments.models import Tier
from comments.moderation.languages import slavic
from comments.moderation.roots import Root

SOURCE = "written for this project; lemmas from OpenCorpora via pymorphy3-dicts-ru (CC BY-SA)"

_PREFIXES = slavic.PREFIXES
SRAT = Root(
    "срать",
    "mild",
    ("сра", "сру", "сре"),
    rf"^(?:{_PREFIXES})*+ср(?:а(?:ть|л|н|к|ч)|ет|ешь|ут|ущ|у$)",
)
HER = Root(
    "хер",
    "mild",
    ("хер",),
    r"^(?:на|по|до|ни)?хер(?:а|ня|ни|ню|ней|ов\w*|ом|е|у)?$",
)
HREN = Root("хрен", "mild", ("хрен",), r"^(?:на|по|до|ни)?хрен(?:а|ов\w*|ь|ью|и|ом|у)?$")
TRANSLIT = (
    Root("блядь", "strong", ("bly",), r"^bly(?:a|ya)?[dt]|^bly(?:a|ya)$"),
    Root("пизда", "strong", ("pizd", "pezd"), r"p[ie]zd"),
    Root(
        "хуй",
        "strong",
        ("huy", "huj", "hui", "hue", "xuy", "xuj", "xui", "xue"),
        r"^(?:na|po|ni|do|o)?(?:k?h+|x+)u+(?:[yj]+(?:a|e|nya|lo|ny)?|ya|yu|e(?:l|t|vsh|nn))$"
        r"|^(?:na|po|ni|do|o)(?:k?h+|x+)ui|^k+h+u+[yij]",
    ),
    Root(
        "ебать",
        "strong",
        ("eb", "yob"),
        r"^(?:za|vy|u|na|po|do|pro|ot|raz|pere)?y?o?eb(?:a[tln]|u[tc]|nu|l[oa]|i[st])"
        r"|^(?:za|vy|u|na|po|do|pro|ot|raz)?yob(?:a[nlt]|nu|ni)",
    ),
    Root("пидор", "slur", ("pidor", "pidar", "pidr"), r"pid[oa]r|pidr"),
    Root("мудак", "strong", ("mudak", "mudok"), r"^mud[ao]k"),
    Root("сука", "strong", ("suka",), r"^su+ka$"),
)
"""Russian typed in Latin letters: only spellings no English word or name shares."""

ROOTS = (
    *slavic.COMMON,
    slavic.MUDAK,
    slavic.MANDA,
    slavic.ZALUPA,
    slavic.SHLYUHA,
    slavic.GANDON,
    slavic.PEDIK,
    slavic.HACH,
    slavic.HOHOL,
    slavic.RUSNYA,
    slavic.DERMO,
    slavic.ZHOPA,
    SRAT,
    HER,
    HREN,
    *TRANSLIT,
)


def words() -> Mapping[Tier, tuple[str, ...]]:
    """Headwords, for censored spellings; the roots find every other form."""
    return {
        "strong": tuple(
            """хуй хуя хуе хуи хую хуйня пизда пизды пизде пизду пиздец блядь блять бля
            ебать ебал ебала ебали ебаный ебанутый ебло сука суки суку мудак мудила манда
            залупа шлюха гандон гондон""".split()
        ),
        "slur": ("пидор", "пидорас", "пидарас", "педик", "жид", "жиды"),
        "mild": ("говно", "дерьмо", "жопа", "срать", "херня", "хрень"),
    }
