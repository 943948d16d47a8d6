"""Roots Russian, Ukrainian and Belarusian share (mat is common to the three), as rules.

Written for this project from general knowledge of the vocabulary; no list was copied.
Patterns read one token of canonical text (lower case, `ё` written `е`, look-alike and
leet letters already resolved), once as written and once with repeated letters written
once. `^` and `$` are the token's edges. Where a root also starts ordinary words the rule
names the endings it takes (`манда` but not `мандарин`, `бля` but not `бляшка`), or where
it may stand (`еб` only at the start or after a prefix: `заебать`, not `хлеб`, `себе`).
"""

from __future__ import annotations

from comments.moderation.roots import Root

# Prefixes before a root: those ending in a vowel directly, the others with `ъ` or `ь`
# (`съебать`, `разъебай`), never bare (`себе`, `вебинар` stay clean).
_VOWEL_PREFIXES = "пере|недо|подо|разо|обо|ото|изо|при|про|вы|за|на|по|до|во|со|не|ни|у"
_HARD_PREFIXES = "раз|рас|под|над|об|от|из|ис|вз|вс|с|в"
PREFIXES = rf"(?:(?:{_VOWEL_PREFIXES})|(?:{_HARD_PREFIXES})[ъь])"
"""Any run of verbal prefixes, as a regular expression (used possessively: `(?:…)*+`)."""

HUI = Root(
    "хуй",
    "strong",
    ("хуй", "хуе", "хуя", "хую", "хуи", "хуї"),
    r"ху[йеяюиї]",
    clean=r"страху|^хуиз",
    morph=True,
)
PIZDA = Root(
    "пизда",
    "strong",
    ("пизд", "пезд", "писд", "пізд", "пызд", "песд", "пизж", "пезж"),
    r"п[иеыі][зс][дж]",
    morph=True,
)
EBAT = Root(
    "ебать",
    "strong",
    ("еб", "йоб", "иба", "ибу", "ибл", "ибн"),
    rf"^(?:{PREFIXES})*+(?:еб(?:[аеиуынлщшкчяриц]|о[кнлшх]|$)|иб(?:а[тлнш]|ну|ло|ут))"
    r"|йоб|(?:долб|мозг|пизд|хуе|жоп)о?еб|(?:вые|зае|уе|ъе)б(?:а[нлтш]|ну|ись|ок|ыв)",
    clean=r"^ебон|^ебург|^ибанез",
    morph=True,
)
BLYAD = Root(
    "блядь",
    "strong",
    ("бля", "блиа", "блеа", "блад", "блат"),
    r"^(?:вы|раз|по|за)?бл(?:я|иа|еа)(?:[дт]|$)|^бла[дт]ь$",
    morph=True,
)
MUDAK = Root(
    "мудак",
    "strong",
    ("муда", "муди", "мудо", "муде", "мудя"),
    r"^муд(?:а[кчхц]|и[лн]|о[зх]|ень|ями|я$|е$)",
)
MANDA = Root(
    "манда",
    "strong",
    ("манд",),
    r"^манд(?:а|ы|е|у|ой|ою|ами|ам|ах|авош\w*|ищ\w*)$",
)
ZALUPA = Root("залупа", "strong", ("залуп",), r"залуп", morph=True)
SHLYUHA = Root("шлюха", "strong", ("шлюх", "шлюш"), r"шлю[хш]")
SUKA = Root(
    "сука",
    "strong",
    ("сук", "суч", "цук"),
    r"^(?:(?:сц|с)у+к(?:а|и|е|у|о|ой|ою|ам|ами|ах|ин\w*)|суч(?:ар\w*|ий|онок|онк\w*|ил\w*))$",
)
GANDON = Root("гандон", "strong", ("гандон", "гондон"), r"г[ао]нд[оа]н")
PIDOR = Root(
    "пидор",
    "slur",
    ("пидор", "пидар", "пидр", "педор", "підор", "підар"),
    r"п[иеі]д[оа]р|пидр",
    clean=r"скипидар",
    morph=True,
)
PEDIK = Root("педик", "slur", ("педик",), r"^педик(?:и|а|ов|у|ом|ам|ами|ах)?$")
ZHID = Root(
    "жид", "slur", ("жид",), r"^жид(?:ы|а|у|ом|ов|ам|ами|ах|овк\w*|овск\w*|яр\w*)?$"
)
HACH = Root("хач", "slur", ("хач",), r"^хач(?:и|а|у|ом|ей|ам|ами|ах|ик|ики|иков)?$")
HOHOL = Root("хохол", "slur", ("хохл",), r"^хохл(?:ы|ов|ам|ами|ах|ятск\w*|ушк\w*)$")
KATSAP = Root(
    "кацап", "slur", ("кацап", "москал"), r"^кацап\w*|^москал(?:и|ей|ям|ями|ях)$"
)
RUSNYA = Root("русня", "slur", ("русн",), r"^русн(?:я|и|ю|е|ей)$")
KURVA = Root(
    "курва", "strong", ("курв",), r"^курв(?:а|и|е|у|о|ою|ам|ами|ах|ище|ий|яч\w*)?$"
)
GOVNO = Root("говно", "mild", ("говн", "гавн", "гівн", "гаўн"), r"г[аоі][вў]н", morph=True)
DERMO = Root("дерьмо", "mild", ("дерьм",), r"дерьм")
ZHOPA = Root("жопа", "mild", ("жоп",), r"жоп")
DUPA = Root("дупа", "mild", ("дуп",), r"^дуп(?:а|и|у|ою|і|е|ам|ами|ах)$")

COMMON = (HUI, PIZDA, EBAT, BLYAD, SUKA, KURVA, PIDOR, ZHID, KATSAP, GOVNO, DUPA)
"""The roots every one of the three languages has."""
