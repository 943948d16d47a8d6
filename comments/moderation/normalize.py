"""Canonical text for word matching, and the way back to the reader's own characters.

Evasions hide a listed word behind characters a reader does not see or does not
notice: zero-width and bidi controls, combining marks, full-width and mathematical
letters, small capitals, Cyrillic or Greek look-alikes. `normalize` removes the
invisible ones and folds the rest per character, so list entries and comments meet
in one form, and it keeps, for every canonical character, the index of the original
code point it came from: moderators see the span they typed, not ours.

Look-alike letters of real alphabets (Cyrillic, Greek, Armenian) are only folded
inside a word that mixes scripts (`fold_mixed`), so Russian and Belarusian text is
never rewritten. Letter forms that no language writes words in (small capitals,
negative squared and circled letters, stroked Latin letters) are folded everywhere.

Cost is linear: ASCII and plain Cyrillic stretches are copied in bulk, every other
code point costs one table look-up and one decomposition. The canonical text is for
matching only and is never shown.

The second half reads the canonical text as tokens: runs of letters, digits, leet and
censoring symbols (`TOKEN`). Ordinary text is only ever scanned by patterns that open
with a literal or a character set, so it costs a few C-speed passes; Python looks at
the few places those passes point to (`odd_tokens`, `whole_tokens`, `chains`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

# Characters whose canonical form is their lower case, one for one: copied in bulk.
_UNSTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\u0410-\u044f\u0401\u0451\u0404\u0454\u0406\u0456\u0407\u0457"
    "\u040e\u045e\u0490\u0491«»“”„‘’–—•·]+"
)
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _stable_cp1251() -> bytes:
    """The Windows-1251 bytes of the characters `_UNSTABLE` leaves alone."""
    found = []
    for code in range(256):
        try:
            char = bytes([code]).decode("cp1251")
        except UnicodeDecodeError:
            continue
        if not _UNSTABLE.match(char):
            found.append(code)
    return bytes(found)


_STABLE_CP1251 = _stable_cp1251()
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# Default-ignorable code points that Unicode files under letters, symbols or marks.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
_DROPPED_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Mn", "Me"})
# Marks that make a distinct letter of Russian, Belarusian or Ukrainian: kept.
_COMPOSE = MappingProxyType({("и", "\u0306"): "й", ("у", "\u0306"): "ў", ("і", "\u0308"): "ї"})
_KEEP = frozenset("йЙўЎїЇ")
_TYPOGRAPHY = tuple(zip("ё’‘“”„«»–—•·", 'е\'\'"""""--..', strict=True))


def _letterlike() -> Mapping[str, str]:
    """Letter forms used only to disguise Latin letters, with the letter they show."""
    table = dict(
        zip(
            "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ",
            "abcdefghijklmnopqrstuvwyz",
            strict=True,
        )
    )
    table.update(zip("ıȷɑɡƒøłđħŧɨʉƀɛɩɵ", "ijagfoldhtiubeio", strict=True))
    table["ß"] = "ss"
    # negative circled and negative squared capitals, regional indicators (`🇫🇺🇨🇰`)
    for first in (0x1F150, 0x1F170, 0x1F1E6):
        table.update({chr(first + i): chr(ord("a") + i) for i in range(26)})
    return MappingProxyType(table)


_LETTERLIKE = _letterlike()


def _table(pairs: str) -> Mapping[int, str]:
    """A `str.translate` table from space-separated two-character pairs."""
    return MappingProxyType({ord(pair[0]): pair[1] for pair in pairs.split()})


_TO_LATIN = _table(
    # Cyrillic
    "аa вb гr еe ёe иu кk мm нh оo пn рp сc тt уy хx цu шw щw ъb ьb "
    "іi їi јj ѕs һh ԁd ԛq ԝw ӏl ўy єe "
    # Greek
    "αa βb γy δd εe ζz ηn ιi κk μu νv οo πn ρp σo ςs τt υu χx ωw ϲc ϳj "
    # Armenian
    "աw գq զq հh ոn սu ցg քp օo"
)
_FOREIGN_LOOKALIKES = frozenset("ѕһјԁԛԝӏ")
_TO_CYRILLIC = _table("aа bв cс eе hн kк mм nп oо pр rг tт uи xх yу")
# Latin letters typed for the Cyrillic letters they sound like (`пиzдец`, `xyй` aside).
_SOUNDS_CYRILLIC = _table(
    "aа bб cс dд eе fф gг hх iи jй kк lл mм nн oо pп rр sс tт uу vв xх yу zз"
)
_SCRIPTS = (
    re.compile(r"[a-z\u00e0-\u024f\u1e00-\u1eff]"),
    re.compile(r"[\u0400-\u052f]"),
    re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    re.compile(r"[\u0530-\u058f]"),
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """Canonical text plus, per canonical character, the original code point it came from."""

    text: str
    original_length: int
    origin: Sequence[int] | None = (
        None  # None: the canonical text is the original, position for position
    )

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original code-point span behind canonical `[start, end)`.

        The end reaches up to the next kept character, so marks and invisible
        characters trailing a word are part of its span (and of its mask).
        """
        origin = self.origin
        if origin is None:
            return start, end
        first = origin[start]
        last = origin[end] if end < len(origin) else self.original_length
        return first, max(last, origin[end - 1] + 1)


def normalize(text: str) -> Normalized:
    """NFKC-like folding, marks and invisible characters dropped, lower case; see module doc."""
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return Normalized(text.lower(), len(text))
    if _all_stable(text):  # most Russian, Ukrainian and Belarusian comments
        return Normalized(_fold_stable(text), len(text))
    parts: list[str] = []
    origin: list[int] = []
    position = 0
    for run in _UNSTABLE.finditer(text):
        start, end = run.span()
        if start > position:
            parts.append(_fold_stable(text[position:start]))
            origin.extend(range(position, start))
        _fold_each(text, start, end, parts, origin)
        position = end
    if position == 0:
        return Normalized(_fold_stable(text), len(text))
    if position < len(text):
        parts.append(_fold_stable(text[position:]))
        origin.extend(range(position, len(text)))
    return Normalized("".join(parts), len(text), origin)


def _all_stable(text: str) -> bool:
    """Whether every character is one `_UNSTABLE` leaves alone, in two C-speed passes:
    the text in Windows-1251 (ASCII, Cyrillic, the typography) less the stable bytes."""
    try:
        encoded = text.encode("cp1251")
    except UnicodeEncodeError:
        return False
    return not encoded.translate(None, _STABLE_CP1251)


def _fold_stable(chunk: str) -> str:
    """ASCII and plain Cyrillic: lower case, `ё` as the `е` most writers use, and curly
    quotes and dashes as their ASCII forms, so English typed on a phone stays ASCII
    (the faster reading in the second half)."""
    folded = chunk.lower()
    if folded.isascii():
        return folded
    for fancy, plain in _TYPOGRAPHY:
        if fancy in folded:
            folded = folded.replace(fancy, plain)
    return folded


def _fold_each(text: str, start: int, end: int, parts: list[str], origin: list[int]) -> None:
    """Fold the code points in `text[start:end]` one at a time, appending to `parts`."""
    for index in range(start, end):
        char = text[index]
        category = unicodedata.category(char)
        if category in ("Mn", "Me"):
            _compose(char, parts)
            continue
        if category in _DROPPED_CATEGORIES or char in _INVISIBLE:
            continue
        if category == "Cc":
            if char in _WHITESPACE_CONTROLS:
                parts.append(" ")
                origin.append(index)
            continue
        if char in _KEEP:
            folded = char.lower()
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me"))
            folded = "".join(_LETTERLIKE.get(c, c) for c in kept.lower())
        for piece in folded:
            parts.append(piece)
            origin.append(index)


def _compose(mark: str, parts: list[str]) -> None:
    """Join a breve or diaeresis to the Cyrillic letter before it when that makes `й`, `ў`, `ї`."""
    if not parts:
        return
    last = parts[-1]
    composed = _COMPOSE.get((last[-1], mark))
    if composed is not None:
        parts[-1] = last[:-1] + composed


def mixes_scripts(word: str) -> bool:
    """Whether the word's letters come from two or more of Latin, Cyrillic, Greek, Armenian.

    A Cyrillic letter that Russian, Belarusian and Ukrainian do not use and that looks
    like a Latin one (`ѕ`, `һ`, `ј`) counts as Latin: `ѕһіт` is not a Russian word.
    """
    if word.isascii():
        return False
    if any(char in _FOREIGN_LOOKALIKES for char in word):
        return True
    found = 0
    for script in _SCRIPTS:
        if script.search(word):
            found += 1
            if found > 1:
                return True
    return False


def fold_mixed(word: str) -> tuple[str, ...]:
    """For a word that mixes scripts, its look-alikes read as Latin and as Cyrillic, and its
    Latin letters read as the Cyrillic ones they sound like; else ()."""
    if not mixes_scripts(word):
        return ()
    latin = word.translate(_TO_LATIN)
    cyrillic = word.translate(_TO_CYRILLIC)
    sounded = word.translate(_SOUNDS_CYRILLIC)
    return tuple(dict.fromkeys((latin, cyrillic, sounded)))


def visible(text: str) -> str:
    """`text` without the marks, controls and invisible characters that `normalize` drops."""
    return "".join(char for char in text if not _hidden(char))


def _hidden(char: str) -> bool:
    """Whether `normalize` drops this code point outright."""
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in _WHITESPACE_CONTROLS
    return category in _DROPPED_CATEGORIES or char in _INVISIBLE


SYMBOLS = "@$+|€¢*#"
"""Leet and censoring symbols: part of a token, like letters and digits."""
_TC = r"(?:[^\W_]|[@$+|€¢*#])"
TOKEN = re.compile(rf"{_TC}++(?:!++{_TC}++)*+")
"""A token of canonical text; `!` belongs to it only between other token characters."""
_WORDS = re.compile(r"[^\W_]+")
_ASCII_WORDS = MappingProxyType(
    str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})
)
_RUN3 = re.compile(r"(.)\1\1")
_SYMBOL = re.compile(r"[@$+|€¢*#]")
_INNER_BANG = re.compile(rf"!(?:(?<=[^\W_]!)|(?<=[@$+|€¢*#]!))!*(?={_TC})")
_DIGIT_LETTER = re.compile(r"\d(?:(?<=[^\W\d_]\d)|(?=[^\W\d_]))")
_NOT_LATIN_LETTERS = bytes(code for code in range(256) if not 97 <= code <= 122)
_LATIN_RUN = re.compile(r"[a-z\u00e0-\u024f\u1e00-\u1eff]+")
_LATIN_EXTENDED = re.compile(r"[\u00e0-\u024f\u1e00-\u1eff]")
_NON_ASCII_RUN = re.compile(r"[^\W_\x00-\x7f]+")  # letters and digits
_LOOKALIKE_RUN = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0530-\u058fѕһјԁԛԝӏ]+")
# Joints: one of `TIGHT` between any two tokens (`fu-ck`, `s.h.i.t`), or up to three of
# `_GAP` between single-character tokens (`f u c k`). Spaces never join longer tokens
# (`the pen is`), an apostrophe joins nothing (`He'll`, `I'm`), and the letter after
# one (`he's`) belongs to its word, not to the spaced letters that follow.
TIGHT = ".-_·•~/\\"
_GAP = ' \t\n\r.,-_·•~/\\:;"“”()[]{}<>=^'
# Any other symbol or emoji joins too (`f❤u❤c❤k`, `sh→it`): no word is written with one.
_OTHER = r"[^\w\s'’\"“”«»,;:!?()\[\]{}<>@$+|€¢*#]"
_TIGHT_JOINT = re.compile(rf"(?:[{re.escape(TIGHT)}]|{_OTHER})(?<={_TC}.)(?={_TC})")
_JOINER = rf"(?:[{re.escape(_GAP)}]|{_OTHER})"
_SPACED_JOINT = re.compile(
    rf"{_JOINER}(?<=(?<![^\W_])(?<![@$+|€¢*#!])(?<![^\W_]['’]){_TC}.)"
    rf"{_JOINER}{{0,2}}+(?={_TC}(?![^\W_])(?![@$+|€¢*#])(?!!+{_TC}))"
)
_NON_TOKEN = re.compile(r"(?:[^\w@$+|€¢*#]|_)+")


def _ascii_classes() -> dict[int, str]:
    """ASCII reduced to what the patterns above ask of a character: one code each.

    `a` letter, `0` digit, `$` symbol, `!`, `'`, `.` a tight joint, ` ` another gap
    character, `x` anything else (an apostrophe is kept apart: it joins nothing, but
    after a letter it ties the next one to its word). On ASCII text the same questions run over this
    string with literal-first patterns, several times faster than Unicode classes.
    """
    table = {}
    for code in range(128):
        char = chr(code)
        if char.isalpha() or char.isdigit():
            table[code] = "a" if char.isalpha() else "0"
        elif char in "!'" or char in SYMBOLS:
            table[code] = "$" if char in SYMBOLS else char
        else:
            table[code] = "." if char in TIGHT else " " if char in _GAP else "x"
    return table


_ASCII_CLASSES = MappingProxyType(str.maketrans(_ascii_classes()))
# The same classes over UTF-8 bytes: every byte of a multi-byte character is a letter,
# and the lead bytes of U+0400-U+047F are dropped, so a text of ASCII and Cyrillic
# letters projects to one class per character, in one C-speed pass.
_BYTE_CLASSES = bytes(
    ord(_ascii_classes()[code]) if code < 128 else ord("a") for code in range(256)
)
_CYRILLIC_LEADS = b"\xd0\xd1"


def classes(canonical: str) -> str | None:
    """`canonical` as one class code per character (see `_ascii_classes`), when it is
    ASCII, or ASCII and Cyrillic letters; None for other texts (the slower reading)."""
    if canonical.isascii():
        return canonical.translate(_ASCII_CLASSES)
    projected = canonical.encode().translate(_BYTE_CLASSES, _CYRILLIC_LEADS)
    return projected.decode("ascii") if len(projected) == len(canonical) else None
_CLASS_LETTER_DIGIT = re.compile("a0")
_CLASS_DIGIT_LETTER = re.compile("0a")
_CLASS_SYMBOL = re.compile(r"\$")
_CLASS_BANG = re.compile(r"!(?<=[a0$]!)!*(?=[a0$])")
_CLASS_TIGHT = re.compile(r"\.(?<=[a0$]\.)(?=[a0$])")
# A quick look for two one-character tokens close together (a superset of the joints
# `_CLASS_SPACED` finds): on the projection with every token character as `a` and every
# other as a space, a search led by a literal, so most texts are passed over at C speed.
_SINGLES_VIEW = MappingProxyType(
    str.maketrans({"0": "a", "$": "a", ".": " ", "x": " ", "'": " ", "!": " "})
)
_CLASS_SINGLES = re.compile(r" a {1,3}a ")
_CLASS_SPACED = re.compile(
    r"[ .](?<=(?:[ .x]|(?<![a0])')[a0$][ .])[ .]{0,2}+(?=[a0$](?![a0$])(?!!+[a0$]))"
)


def plain_words(canonical: str) -> list[str]:
    """The runs of letters and digits, in order: a fast first look at what a text holds."""
    if canonical.isascii():
        return canonical.translate(_ASCII_WORDS).split()
    return _WORDS.findall(canonical)


def is_token_char(char: str) -> bool:
    """Letters, digits, leet and censoring symbols: what `TOKEN` is made of."""
    return char.isalnum() or char in SYMBOLS


def odd_tokens(canonical: str, projection: str | None = None) -> list[tuple[int, str]]:
    """Tokens that may read as something other than their letters, as (start, text).

    Those with leet or censoring symbols, digits touching letters, a run of three
    letters, or letters of two scripts (and the look-alike runs that make them). Each
    spot is walked back to its token's start, never past the token found before it, so
    the walk is linear too.
    """
    spots = [match.start() for match in _RUN3.finditer(canonical) if match.group(1).isalpha()]
    projected = classes(canonical) if projection is None else projection
    if projected is not None:
        if "0" in projected:
            spots += [match.start() for match in _CLASS_LETTER_DIGIT.finditer(projected)]
            spots += [match.start() for match in _CLASS_DIGIT_LETTER.finditer(projected)]
        if "$" in projected:
            spots += [match.start() for match in _CLASS_SYMBOL.finditer(projected)]
        if "!" in projected:
            spots += [match.start() for match in _CLASS_BANG.finditer(projected)]
        if not canonical.isascii():  # Cyrillic: where Latin letters touch it, look-alikes
            if canonical.encode().translate(None, _NOT_LATIN_LETTERS):
                spots += _mixed_spots(canonical)
            if "ѕ" in canonical or "ј" in canonical:
                spots += [match.start() for match in _LOOKALIKE_RUN.finditer(canonical)]
    else:
        spots += [match.start() for match in _DIGIT_LETTER.finditer(canonical)]
        spots += [match.start() for match in _SYMBOL.finditer(canonical)]
        spots += [match.start() for match in _INNER_BANG.finditer(canonical)]
        spots += _mixed_spots(canonical)
        spots += [match.start() for match in _LOOKALIKE_RUN.finditer(canonical)]
    tokens: list[tuple[int, str]] = []
    covered = 0
    for spot in sorted(spots):
        if spot >= covered:
            start = _token_start(canonical, spot, covered)
            token = TOKEN.match(canonical, start)
            covered = token.end() if token else spot + 1
            if token:
                tokens.append((start, token.group()))
    return tokens


def _mixed_spots(canonical: str) -> list[int]:
    """Where Latin letters touch letters or digits of another script (`fuсk`).

    From whichever side has fewer runs to look at: the non-ASCII runs of a mostly
    English text (an accented name, an emoji), or the Latin runs of a Russian one.
    """
    if 10 * (len(canonical.encode()) - len(canonical)) < len(canonical):
        runs, inside = _NON_ASCII_RUN.finditer(canonical), _LATIN_EXTENDED
    else:
        runs, inside = _LATIN_RUN.finditer(canonical), None
    return [
        run.start()
        for run in runs
        if _glued(canonical, run.start(), run.end()) or (inside and inside.search(run.group()))
    ]


def _glued(canonical: str, start: int, end: int) -> bool:
    """Whether a run touches letters or digits on either side."""
    before = start > 0 and canonical[start - 1].isalnum()
    return before or (end < len(canonical) and canonical[end].isalnum())


def _token_start(canonical: str, position: int, floor: int) -> int:
    """The start of the token holding `position`, looking no further back than `floor`."""
    index = position
    while index > floor:
        if is_token_char(canonical[index - 1]):
            index -= 1
            continue
        if canonical[index - 1] != "!":
            break
        bang = index - 1  # `!` belongs to the token only between token characters
        while bang > floor and canonical[bang - 1] == "!":
            bang -= 1
        if bang == floor or not is_token_char(canonical[bang - 1]):
            break
        index = bang
    return index


def whole_tokens(canonical: str, word: str) -> Iterator[int]:
    """Where `word` (letters and digits) stands in the text as a whole token."""
    start = canonical.find(word)
    while start >= 0:
        if not _joined(canonical, start, -1) and not _joined(canonical, start + len(word), 1):
            yield start
        start = canonical.find(word, start + 1)


def is_whole(canonical: str, start: int, end: int) -> bool:
    """Whether `canonical[start:end]` stands as a whole token."""
    return not _joined(canonical, start, -1) and not _joined(canonical, end, 1)


def _joined(canonical: str, edge: int, step: int) -> bool:
    """Whether the token at `edge` goes on past it, looking back (-1) or ahead (1).

    It does when the next character is a token character, or a run of `!` with one
    beyond it (`sh!t`).
    """
    index = edge - 1 if step < 0 else edge
    while 0 <= index < len(canonical):
        char = canonical[index]
        if is_token_char(char):
            return True
        if char != "!":
            return False
        index += step
    return False


def next_token(canonical: str, end: int, gap: int) -> re.Match[str] | None:
    """The token after the one ending at `end`, if at most `gap` characters away."""
    between = _NON_TOKEN.match(canonical, end, end + gap + 1)
    if between is None or between.end() - end > gap:
        return None
    return TOKEN.match(canonical, between.end())


def chains(
    canonical: str, projection: str | None = None
) -> Iterator[list[tuple[int, str]]]:
    """Runs of two or more tokens that may be pieces of one word, as (start, text) pairs."""
    projected = classes(canonical) if projection is None else projection
    if projected is not None:
        spaced = " " + projected  # a gap before the first token
        joints = {m.start() - 1: m.end() - 1 for m in _CLASS_TIGHT.finditer(spaced)}
        if _CLASS_SINGLES.search(spaced.translate(_SINGLES_VIEW) + " "):
            joints |= {m.start() - 1: m.end() - 1 for m in _CLASS_SPACED.finditer(spaced)}
    else:
        joints = {m.start(): m.end() for m in _TIGHT_JOINT.finditer(canonical)}
        joints |= {m.start(): m.end() for m in _SPACED_JOINT.finditer(canonical)}
    chain: list[tuple[int, str]] = []
    chain_end = 0
    for gap_start, gap_end in sorted(joints.items()):
        right = TOKEN.match(canonical, gap_end)
        if right is None:
            continue
        if chain_end != gap_start:
            if len(chain) > 1:
                yield chain
            left = _token_start(canonical, gap_start, chain_end)
            chain = [(left, canonical[left:gap_start])]
        chain.append((gap_end, right.group()))
        chain_end = right.end()
    if len(chain) > 1:
        yield chain
