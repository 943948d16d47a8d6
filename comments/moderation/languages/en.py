"""English: better-profanity's word list with a tier on every word, and compound roots.

Source: the word list shipped in better-profanity (MIT licence), read from the installed
package; the tiers, `NEWS_VOCABULARY` (words left out), additions and the root rules are
this project's own. Tiers: `SLURS` are slurs; a word built on one of `STRONG_ROOTS` is
strong; every other listed word (anatomy, sex and drugs as topics, crude but mild words,
insults, internet abbreviations) is mild, which the default policy publishes.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path

from comments.models import Tier
from comments.moderation.roots import Root

SOURCE = "better-profanity's word list (MIT), tiers and rules written for this project"

NEWS_VOCABULARY = frozenset(
    """arian aryan breasts bestial cipa cowgirl cowgirls drunk dummy dong enlargement erect
    facial fat fisted flange foobar gae gai gay gays god guido hemp heroin herpes hitler hiv
    hoar homey hooch hookah hooker incest kill knob len lesbians leper loin loins lust massa
    maxi menses menstruate menstruation meth molest murder naked napalm nappy nazi nazism
    niggle nimrod opiate opium oral orally organ ovary ovum ovums paddy pastie pasty pawn pcp
    pedophile pedophilia pedophiliac penetrate penetration perversion peyote playboy pms
    pollock pornography pot potty prostitute punky puss queer queers racy rape raped raping
    rapist reich revue rum rump sadism sadist sandbar screw screwed screwing seaman seamen
    seduce sex sexual shota slave slope snatch sniper snuff sodom souse soused spac sperm
    steamy stoned strip stroke stupid suck sucked sucking tampon tawdry thrust tinkle titi
    tramp transsexual ugly unwed urinal urine uterus uzi valium virgin vixen vodka vomit
    vulgar wad wang weed weiner whiz willies willy womb woody xx yury negro kkk klan cumming
    hebe lesbos dyke dykes""".split()
) | {"cow girl", "cow girls"}
"""Entries of better-profanity's list left out: everyday news words, names and identity
terms that would hold ordinary comments."""

SLURS = frozenset(
    """chink coon fag fagg fagged fagging faggit faggitt faggot faggs fagot fagots
    fags gook gooks heeb homo h0m0 h0mo hom0 honky injun jap japs kike kikes kyke lesbo lesbos
    lez lezbian lezbians lezbo lezbos lezzie lezzies lezzy moolie n1g n1gg n1gga n1gger nig
    nigg nigg3r nigg4h nigga niggah niggas niggaz nigger niggers niglet paki polack queero
    r-tard reetard retard retarded ritard rtard spic spick spik spiks wetback wigger wop
    gaylord shemale heshe pillowbiter fudgepacker tranny trannies retards tard kraut
    whitey""".split()
) | {"she male", "carpet muncher"}
"""Racial, ethnic, homophobic, transphobic and ableist slurs."""

STRONG_ROOTS = (
    *"""fuck fuk phuk whor sh!+ phuck phuq fvck fxck fcuk fux fook feck shit shi+ sh!t sh1t
    shite cunt cnut kunt cock kock cawk kawk dick dlck prick pussy pusse pussi twat tw4t
    twunt wank bitch b!tch l3itch l3i+ch biatch bastard whore wh0re hoer hore slut cum kum
    jizz jiz jism gism bollock asshole arsehole butthole blowjob rimjob rimjaw handjob
    footjob felch fellat gangbang bukake bukkake goatse tubgirl 2g1c schlong skank
    douchebag motherfuck mothafuck muthafuck mutherfuck clit titfuck tittyfuck spunk
    smegma""".split(),
    *("blow job", "hand job", "foot job", "gang bang", "gang-bang", "2 girls 1 cup"),
)
NAMES = ("dick", "fanny", "whitey", "coon", "homo")
"""Listed words that are also first names: `Dick Francis` is a name, not a hit."""
ADDED: Mapping[Tier, tuple[str, ...]] = {
    "mild": ("bloody", "bugger", "buggered", "sod", "crappy", "crapped", "damned", "dammit"),
    "strong": ("bollocks", "bollock", "wankers", "shitshow", "bullshit", "dickheads", "fack"),
    "slur": ("trannies",),
}


def bundled_words() -> tuple[str, ...]:
    """better-profanity's word list as shipped.

    Read from the installed package's directory without importing it: its import builds
    a global matcher of its own (about 16 ms and megabytes) that we never use.
    """
    spec = importlib.util.find_spec("better_profanity")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("better-profanity is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    lines = (folder / "profanity_wordlist.txt").read_text("utf-8").splitlines()
    return tuple(word for line in lines if (word := line.strip()))


def tier_of(word: str) -> Tier:
    """The tier of a word of the list."""
    lowered = word.lower()
    if lowered in SLURS:
        return "slur"
    joined = "".join(char for char in lowered if char.isalnum() or char in "!+$@ ")
    if any(root in lowered or root in joined for root in STRONG_ROOTS):
        return "strong"
    return "mild"


def words(*, news_vocabulary: bool = False) -> Mapping[Tier, tuple[str, ...]]:
    """The list by tier, without `NEWS_VOCABULARY` unless asked for."""
    tiers: dict[str, Tier] = {
        word: tier_of(word)
        for word in bundled_words()
        if news_vocabulary or word.lower() not in NEWS_VOCABULARY
    }
    for tier, added in ADDED.items():
        tiers.update(dict.fromkeys(added, tier))  # ours decide where both list a word
    return {
        tier: tuple(word for word, its in tiers.items() if its == tier)
        for tier in ("mild", "strong", "slur")
    }


_AFTER = r"(?:ing?|in|en|ed|er+s?|ahs?|az|s|off|wit|face|tard|head|k+)?"
ROOTS = (
    Root(
        "fuck",
        "strong",
        ("fuck", "fuk", "phuk", "phuc", "fuq", "fvck", "fcuk", "fook", "fawk", "phook", "fack"),
        r"fuck|fvck|fcuk|^(?:mother|motha|muther|clusterf?|what(?:the)?|go)?"
        rf"(?:(?:ph+|f+)(?:u+|oo+|aw)(?:c*k+|q+)|f+a+c+k+){_AFTER}$",
        clean=r"fukushim|fukuyam|fukuok|^fook$",
    ),
    Root(
        "shit",
        "strong",
        ("shit", "shyt", "shiet", "sheit", "shiit", "sheeit"),
        r"shit|^(?:bull|horse|dip|dog|chicken)?sh(?:y+|ie+|ee+i+|i{2,}|ei+)t+"
        r"(?:e|s|ty|ting|ter|head|show|hole)?$",
        clean=r"shiitake|shitake|^shittu|shittim|shitterton|dikshit|kshiti|mishit",
    ),
    Root("cunt", "strong", ("cunt", "kunt"), r"cunt|^k+u+n+t+(?:s|y|ing)?$", clean=r"scunthorp"),
    Root(
        "bitch",
        "strong",
        ("bitch", "biatch", "biotch", "beeyotch", "beyotch", "bytch"),
        r"bitch|b(?:ia|io|eey?o|ey?o|y)tch",
        clean=r"^bitche$",
    ),
    Root("whore", "strong", ("whore",), r"whore"),
    Root("slut", "strong", ("slut",), r"slut", clean=r"slutsk"),
    Root("wank", "strong", ("wank",), r"wank", clean=r"wankel|wankhede|wankie"),
    Root("twat", "strong", ("twat",), r"twat", clean=r"twatt"),
    Root("jizz", "strong", ("jizz",), r"jizz", clean=r"jizzak"),
    Root("bollocks", "strong", ("bollock",), r"bollock"),
    Root(
        "asshole",
        "strong",
        ("asshole", "arsehole", "azzhole", "assh0le", "asshat", "asswipe"),
        r"a(?:ss|rse|zz)hole|ass(?:hat|wipe)",
    ),
    Root(
        "dickhead",
        "strong",
        ("dickhead", "dickwad", "dickface", "dickish"),
        r"dick(?:head|wad|face|ish)",
    ),
    Root("cocksucker", "strong", ("cocksuck",), r"cocksuck"),
    Root(
        "nigger",
        "slur",
        ("nigg", "nigga", "niga"),
        r"nigg(?:er|a|ah|az|uh|as)|^n+i+g+(?:a+h?|uh|az)s?$",
        clean=r"snigg|niggard|niggl",
    ),
    Root(
        "faggot",
        "slur",
        ("faggot", "fagot", "faggit", "fagget"),
        r"fagg?[oie]t",
        clean=r"^faggots?$",
    ),
)
"""Strong roots and slurs inside compounds and hashtags; sound-alike spellings only as a
whole word with its usual endings (`fuk`, `phuking`), since names share them (Fukuyama)."""
