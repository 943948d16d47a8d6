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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

# Characters whose canonical form is their lower case, one for one: copied in bulk.
_UNSTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\u0410-\u044f\u0401\u0451\u0404\u0454\u0406\u0456\u0407\u0457"
    "\u040e\u045e\u0490\u0491«»“”„‘’–—•·]+"
)
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# Default-ignorable code points that Unicode files under letters, symbols or marks.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
_DROPPED_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Mn", "Me"})
# Marks that make a distinct letter of Russian, Belarusian or Ukrainian: kept.
_COMPOSE = MappingProxyType({("и", "\u0306"): "й", ("у", "\u0306"): "ў", ("і", "\u0308"): "ї"})
_KEEP = frozenset("йЙўЎїЇ")


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
    for first in (0x1F150, 0x1F170):  # negative circled and negative squared capitals
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
_TO_CYRILLIC = _table("aа bв cс eе hн kк mм nп oо pр rг tт uи xх yу")
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


def _fold_stable(chunk: str) -> str:
    """ASCII and plain Cyrillic: lower case, and `ё` written as the `е` most writers use."""
    return chunk.lower().replace("ё", "е")


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
    """Whether the word's letters come from two or more of Latin, Cyrillic, Greek, Armenian."""
    if word.isascii():
        return False
    found = 0
    for script in _SCRIPTS:
        if script.search(word):
            found += 1
            if found > 1:
                return True
    return False


def fold_mixed(word: str) -> tuple[str, ...]:
    """For a word that mixes scripts, its look-alikes read as Latin and as Cyrillic; else ()."""
    if not mixes_scripts(word):
        return ()
    latin = word.translate(_TO_LATIN)
    cyrillic = word.translate(_TO_CYRILLIC)
    return (latin,) if latin == cyrillic else (latin, cyrillic)


def visible(text: str) -> str:
    """`text` without the marks, controls and invisible characters that `normalize` drops."""
    return "".join(char for char in text if not _hidden(char))


def _hidden(char: str) -> bool:
    """Whether `normalize` drops this code point outright."""
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in _WHITESPACE_CONTROLS
    return category in _DROPPED_CATEGORIES or char in _INVISIBLE
