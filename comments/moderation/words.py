"""Listed words and phrases found in a comment: whole words, after normalisation, in linear time.

`WordMatcher.build` compiles a site's lists once per policy change into hash tables:
exact forms, forms with their repeated letters collapsed, forms by length and end
letter (for `f*ck`), and a trie of phrases. `find` then normalises the comment,
cuts it into tokens and asks those tables a bounded number of questions per token,
so cost grows with the text and not with the lists, and no regular expression can
backtrack on hostile input (every pattern here matches in one pass).

What counts as the same word:
- leetspeak: `sh1t`, `@$$`, `pr0n`; digits alone (`455`, `1488`) stay numbers;
- self-censoring: `*` and `#` stand for one letter (`f*ck`, `a**hole`);
- runs of three or more letters may stand for one or two (`fuuuck`); a doubled
  letter may not (`good` is not `god`, `noob` is not `nob`);
- letters split by spaces, dots, dashes (`f u c k`, `s.h.i.t`, `fu-ck`) are joined when the
  join is a listed word. Spaces only join single letters, so ordinary neighbouring words
  (`the pen is`) never are; an apostrophe never joins longer pieces (`He'll`);
- look-alike letters in a word that mixes scripts are read both as Latin and as Cyrillic.
An allowed word is removed from every list; an allowed phrase (`Dick Van Dyke`) clears
the hits inside it.

The default list is better-profanity's, read from its package, minus ordinary news words
(`NEWS_VOCABULARY`): a news site discussing a murder trial must not wait for a moderator.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from types import MappingProxyType

from comments.moderation.normalize import fold_mixed, normalize, visible

MAX_WORDS = 10_000
"""Entries per list (and in the allow list); past it `build` raises ValueError."""
MAX_ENTRY_LENGTH = 64
"""Characters per entry as written."""
MAX_PHRASE_WORDS = 8
"""Words per phrase entry."""
DEFAULT_LIST = "default"

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
    vulgar wad wang weed weiner whiz willies willy womb woody xx yury""".split()
) | {"cow girl", "cow girls"}
"""Entries of better-profanity's list left out of the default list: everyday news words,
names and identity terms that would hold ordinary comments."""

DEFAULT_ALLOWED = (
    "Dick Van Dyke",
    "Van Dyke",
    "Moby Dick",
    "Philip K. Dick",
    "Dick Cheney",
    "Dick's Sporting Goods",
    "homo sapiens",
    "cum laude",
    "tit for tat",
    "blue tit",
    "great tit",
    "Pussy Riot",
    "chink in the armour",
    "chink in the armor",
)
"""Names and set phrases that contain a default-list word, allowed with the default list."""

# A token: letters, digits, leet and censoring symbols; `!` only between them (`sh!t`).
_TOKEN = re.compile(r"(?:[^\W_]|[@$+|€¢*#])+(?:!+(?:[^\W_]|[@$+|€¢*#])+)*")
_EDGE_SYMBOLS = "@$+|€¢*#"
_LEET = MappingProxyType(
    {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"}
    | {"@": "a", "$": "s", "!": "il", "+": "t", "|": "li", "€": "e", "¢": "c", "#": "*"}
)
_MAX_AMBIGUOUS = 3  # leet characters read two ways per token; later ones one way
_MAX_CANDIDATES = 64  # entries checked per collapsed or censored look-up
_TIGHT = frozenset(".-_·•~/\\")  # one of these joins any two pieces: `fu-ck`, `s.h.i.t`
_GAP = frozenset(" \t\n\r.,-_·•~/\\:;'\"’‘“”()[]{}<>=^")  # up to three join single letters
_STOP_LETTERS = frozenset("aiавикосуя")  # one-letter words that may flank spaced letters
_PHRASE_GAP = 3
_RUN3 = re.compile(r"(.)\1\1")
_RUN = re.compile(r"(.)\1*")
_ALNUM = re.compile(r"[^\W_]+")
_T = r"(?:[^\W_]|[@$+|€¢*#])"
_SUSPECT = re.compile(
    r"([^\W\d_])\1\1"  # a run of three letters
    r"|[@$+|€¢*#]"  # a leet or censoring symbol
    rf"|{_T}!+{_T}"  # `!` inside a word
    r"|[^\W\d_]\d|\d[^\W\d_]"  # letters with digits
    rf"|{_T}[{re.escape(''.join(sorted(_TIGHT)))}]{_T}"  # pieces joined by a dot or dash
    rf"|(?<![^\W_])(?<![@$+|€¢*#]){_T}[{re.escape(''.join(sorted(_GAP)))}]{{1,3}}{_T}"
    r"(?![^\W_])(?![@$+|€¢*#])"  # two single letters close together
)
_MIXED = re.compile(  # a word with letters of two scripts, as `normalize.mixes_scripts`
    r"(?<![^\W_])(?:"
    r"(?=[^\W_]*[a-z\u00e0-\u024f\u1e00-\u1eff])(?=[^\W_]*[\u0370-\u058f\u1f00-\u1fff])"
    r"|(?=[^\W_]*[\u0400-\u052f])(?=[^\W_]*[\u0370-\u03ff\u1f00-\u1fff\u0530-\u058f])"
    r"|(?=[^\W_]*[\u0370-\u03ff\u1f00-\u1fff])(?=[^\W_]*[\u0530-\u058f]))"
)


@dataclass(frozen=True, slots=True)
class WordHit:
    """A listed word or phrase found in a comment, with its span in the comment as written."""

    list_name: str
    word: str
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Listed:
    list_name: str
    word: str


@dataclass(slots=True)
class _Node:
    """A phrase trie node: children by word form, and the phrases that end here."""

    children: dict[str, _Node] = field(default_factory=dict)
    ends: list[_Listed] = field(default_factory=list)


@dataclass(slots=True)
class _Tables:
    exact: dict[str, list[_Listed]] = field(default_factory=dict)
    collapsed: dict[str, list[tuple[tuple[int, ...], _Listed]]] = field(default_factory=dict)
    by_first: dict[tuple[int, str], list[tuple[str, _Listed]]] = field(default_factory=dict)
    by_last: dict[tuple[int, str], list[tuple[str, _Listed]]] = field(default_factory=dict)
    phrases: _Node = field(default_factory=_Node)
    allowed: _Node = field(default_factory=_Node)


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


def default_words() -> tuple[str, ...]:
    """The default list: better-profanity's, without `NEWS_VOCABULARY`."""
    return tuple(word for word in bundled_words() if word.lower() not in NEWS_VOCABULARY)


class WordMatcher:
    """Compiled word lists; build once per policy change, then `find` in any number of texts."""

    def __init__(self, tables: _Tables) -> None:
        """Use `build`."""
        self._t = tables
        self._screen = frozenset(tables.exact) | frozenset(tables.phrases.children)

    @classmethod
    def build(
        cls,
        lists: Mapping[str, Iterable[str]],
        allowed: Iterable[str] = (),
        include_default: bool = True,
    ) -> WordMatcher:
        """Compile named lists (for example `banned`, `suspect`) and an allow list.

        With `include_default`, better-profanity's list (see `default_words`) joins the
        list named `default`, and `DEFAULT_ALLOWED` joins the allow list. Entries are
        normalised like comments; blank entries are skipped. Raises ValueError for a list
        longer than `MAX_WORDS`, an entry longer than `MAX_ENTRY_LENGTH` or with more than
        `MAX_PHRASE_WORDS` words, an entry with no letters or digits, a one-letter word,
        or a `*`/`#` wildcard in an entry.
        """
        tables = _Tables()
        allowed_words: set[str] = set()
        given = _entries("allowed", allowed)
        extra = DEFAULT_ALLOWED if include_default else ()
        for entry, strict in [*((e, True) for e in given), *((e, False) for e in extra)]:
            forms = _entry_forms(entry, strict=strict)
            if forms is None:
                continue
            if len(forms) == 1:
                allowed_words.add(forms[0])
            else:
                _add_phrase(tables.allowed, forms, _Listed("allowed", entry))
        named = {name: _entries(name, words) for name, words in lists.items()}
        if include_default:
            named.setdefault(DEFAULT_LIST, [])
        words: dict[tuple[str, str], str] = {}  # (list, form) -> the entry to report
        for name, entries in named.items():
            pairs = [(e, True) for e in entries]
            if include_default and name == DEFAULT_LIST:
                pairs += [(e, False) for e in default_words()]
            for entry, strict in pairs:
                forms = _entry_forms(entry, strict=strict)
                if forms is None:
                    continue
                if len(forms) > 1:
                    _add_phrase(tables.phrases, forms, _Listed(name, entry))
                elif forms[0] not in allowed_words:
                    reported = words.setdefault((name, forms[0]), entry)
                    if _oddness(entry) < _oddness(reported):  # report `shit`, not `sh!+`
                        words[name, forms[0]] = entry
        for (name, form), entry in words.items():
            _add_word(tables, form, _Listed(name, entry))
        _rank(tables)
        return cls(tables)

    def find(self, text: str) -> list[WordHit]:
        """Listed words in `text`, in order, with spans in `text`'s code points."""
        normalized = normalize(text)
        canonical = normalized.text
        if not self._may_match(canonical):
            return []
        hits = _drop_nested(self._allow(canonical, self._scan(canonical)))
        return [
            WordHit(listed.list_name, listed.word, normalized.span(start, end))
            for start, end, listed in hits
        ]

    def mask(self, text: str, hits: Iterable[WordHit], keep_first: bool = True) -> str:
        """`text` with each hit's characters replaced by `*`, keeping its first one if asked.

        Marks and invisible characters inside a hit go with it, so no accent stacks on
        an asterisk; overlapping hits are masked as one.
        """
        merged: list[list[int]] = []
        for start, end in sorted(hit.span for hit in hits):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        pieces: list[str] = []
        position = 0
        for start, end in merged:
            shown = visible(text[start:end])
            kept = shown[:1] if keep_first else ""
            pieces += [text[position:start], kept, "*" * (len(shown) - len(kept))]
            position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def _may_match(self, canonical: str) -> bool:
        """A cheap test that is false only when `_scan` would find nothing."""
        if not self._screen.isdisjoint(_ALNUM.findall(canonical)):
            return True
        if _SUSPECT.search(canonical):
            return True
        return not canonical.isascii() and _MIXED.search(canonical) is not None

    def _scan(self, canonical: str) -> list[tuple[int, int, _Listed]]:
        """Every word, joined-letters and phrase hit, with canonical spans."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(canonical)]
        forms = [_text_forms(raw) for _, _, raw in tokens]
        hits: list[tuple[int, int, _Listed]] = []
        for index, (start, end, _) in enumerate(tokens):
            for form in forms[index]:
                hits += ((start, end, listed) for listed in self._lookup(form))
            if any(form in self._t.phrases.children for form in forms[index]):
                hits += self._phrases_from(self._t.phrases, canonical, tokens, forms, index)
        for first, last in _joins(canonical, tokens):
            joined = "".join(raw for _, _, raw in tokens[first : last + 1])
            if joined.isdecimal():
                continue
            span = (tokens[first][0], tokens[last][1])
            for form in _text_forms(joined):
                hits += ((*span, listed) for listed in self._lookup(form))
        return hits

    def _allow(
        self, canonical: str, hits: list[tuple[int, int, _Listed]]
    ) -> list[tuple[int, int, _Listed]]:
        """Hits outside every allowed phrase."""
        root = self._t.allowed
        if not hits or not root.children:
            return hits
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(canonical)]
        forms = [_text_forms(raw) for _, _, raw in tokens]
        cleared = [
            (start, end)
            for index in range(len(tokens))
            if any(form in root.children for form in forms[index])
            for start, end, _ in self._phrases_from(root, canonical, tokens, forms, index)
        ]
        return [h for h in hits if not any(s <= h[0] and h[1] <= e for s, e in cleared)]

    def _lookup(self, form: str) -> Iterator[_Listed]:
        """Entries this word form stands for: as written, inflated, or censored."""
        tables = self._t
        if "*" in form:
            yield from self._censored(form)
            return
        yield from tables.exact.get(form, ())
        if _RUN3.search(form) and not form.isdecimal():
            key, runs = _runs(form)
            for listed_runs, listed in tables.collapsed.get(key, ())[:_MAX_CANDIDATES]:
                if all(t == e or e <= t >= 3 for t, e in zip(runs, listed_runs, strict=True)):
                    yield listed

    def _censored(self, form: str) -> Iterator[_Listed]:
        """Entries of the same length that agree with `form` wherever it is not `*`."""
        if form[0] != "*":
            bucket = self._t.by_first.get((len(form), form[0]), [])
        elif form[-1] != "*":
            bucket = self._t.by_last.get((len(form), form[-1]), [])
        else:
            return
        for word, listed in bucket[:_MAX_CANDIDATES]:
            if all(a in ("*", b) for a, b in zip(form, word, strict=True)):
                yield listed

    def _phrases_from(
        self,
        root: _Node,
        canonical: str,
        tokens: list[tuple[int, int, str]],
        forms: list[list[str]],
        first: int,
    ) -> Iterator[tuple[int, int, _Listed]]:
        """Phrases of `root` starting at token `first`, walking the trie word by word."""
        nodes = [root]
        index = first
        while nodes and index < len(tokens) and index - first < MAX_PHRASE_WORDS:
            if index > first and tokens[index][0] - tokens[index - 1][1] > _PHRASE_GAP:
                return
            nodes = [
                child
                for node in nodes
                for form in forms[index]
                if (child := node.children.get(form)) is not None
            ][:_MAX_CANDIDATES]
            for node in nodes:
                for listed in node.ends:
                    yield tokens[first][0], tokens[index][1], listed
            index += 1


def _entries(name: str, words: Iterable[str]) -> list[str]:
    """The non-blank entries of one list, checked against the limits."""
    if isinstance(words, str):
        raise ValueError(f"list {name!r} must be a list of words, not one string")
    entries: list[str] = []
    for word in words:
        if not isinstance(word, str):
            raise ValueError(f"list {name!r} holds a non-text entry")
        word = word.strip()
        if not word:
            continue
        if len(word) > MAX_ENTRY_LENGTH:
            raise ValueError(f"an entry of list {name!r} is longer than {MAX_ENTRY_LENGTH}")
        entries.append(word)
        if len(entries) > MAX_WORDS:
            raise ValueError(f"list {name!r} has more than {MAX_WORDS} entries")
    return entries


def _entry_forms(entry: str, *, strict: bool) -> tuple[str, ...] | None:
    """An entry's word forms; None for an entry skipped when not `strict`, else ValueError."""
    raws = _TOKEN.findall(normalize(entry).text)
    if not strict and not all(raw.isalpha() or raw.isdecimal() for raw in raws):
        return None  # `sh!+`, `s0b`: text is read through leet anyway, and `sob` is a word
    forms = tuple(_entry_form(raw) for raw in raws)
    problem = None
    if not forms:
        problem = "has no letters or digits"
    elif len(forms) > MAX_PHRASE_WORDS:
        problem = f"has more than {MAX_PHRASE_WORDS} words"
    elif any("*" in form for form in forms):
        problem = "uses a wildcard; list each form of the word instead"
    elif len(forms) == 1 and len(forms[0]) < 2:
        problem = "is a single letter"
    if problem is None:
        return forms
    if strict:
        raise ValueError(f"the entry {entry!r} {problem}")
    return None


def _entry_form(raw: str) -> str:
    """One reading of an entry's word: leet read its first way, mixed scripts as Latin."""
    if not (raw.isalpha() or raw.isdecimal()):
        raw = "".join(_LEET.get(char, char)[0] for char in raw)
    folded = fold_mixed(raw)
    return folded[0] if folded else raw


def _add_word(tables: _Tables, form: str, listed: _Listed) -> None:
    """Index one word form: exactly, by collapsed runs, and by length and end letters."""
    tables.exact.setdefault(form, []).append(listed)
    key, runs = _runs(form)
    tables.collapsed.setdefault(key, []).append((runs, listed))
    tables.by_first.setdefault((len(form), form[0]), []).append((form, listed))
    tables.by_last.setdefault((len(form), form[-1]), []).append((form, listed))


def _oddness(word: str) -> int:
    """How far an entry is from plain letters: prefer reporting `fuck` over `f_u_c_k`."""
    return sum(1 for char in word if not (char.isalpha() or char == " "))


def _rank(tables: _Tables) -> None:
    """Order censored look-ups so `f*ck` reports the word most entries grow from (`fuck`)."""
    stems: dict[str, int] = {}
    for form in tables.exact:
        for end in range(2, len(form) + 1):
            stems[form[:end]] = stems.get(form[:end], 0) + 1
    for buckets in (tables.by_first, tables.by_last):
        for bucket in buckets.values():
            bucket.sort(key=lambda item: (-stems.get(item[0], 0), _oddness(item[1].word)))


def _add_phrase(root: _Node, forms: tuple[str, ...], listed: _Listed) -> None:
    """Add a phrase to a trie keyed by word forms."""
    node = root
    for form in forms:
        node = node.children.setdefault(form, _Node())
    node.ends.append(listed)


def _runs(form: str) -> tuple[str, tuple[int, ...]]:
    """The form with each run of a letter written once, and the runs' lengths."""
    runs = [match.group() for match in _RUN.finditer(form)]
    return "".join(run[0] for run in runs), tuple(len(run) for run in runs)


def _text_forms(raw: str) -> list[str]:
    """The readings of a text token: trimmed of edge symbols, leet resolved, scripts unmixed."""
    if raw.isalpha() or raw.isdecimal():
        return [raw, *fold_mixed(raw)] if not raw.isascii() else [raw]
    forms: list[str] = []
    for cut in dict.fromkeys(
        (raw, raw.lstrip(_EDGE_SYMBOLS), raw.rstrip(_EDGE_SYMBOLS), raw.strip(_EDGE_SYMBOLS))
    ):
        if not cut or cut.isdecimal():
            continue
        readings = [cut] if cut.isalpha() else _leet(cut)
        for reading in readings:
            if "*" not in reading or any(char != "*" for char in reading):
                forms += [reading, *fold_mixed(reading)]
    return list(dict.fromkeys(forms))


def _leet(cut: str) -> list[str]:
    """Every reading of a token's leet characters, the first `_MAX_AMBIGUOUS` read both ways."""
    options = [_LEET.get(char, char) for char in cut]
    ambiguous = 0
    for index, option in enumerate(options):
        if len(option) > 1:
            ambiguous += 1
            if ambiguous > _MAX_AMBIGUOUS:
                options[index] = option[0]
    return ["".join(letters) for letters in product(*options)]


def _joins(canonical: str, tokens: list[tuple[int, int, str]]) -> Iterator[tuple[int, int]]:
    """Token ranges that may spell one word split by spaces, dots or dashes.

    A chain is a run of tokens each one character of `_TIGHT` apart, or single letters
    up to three `_GAP` characters apart. Its candidates: the whole chain, the stretches
    between its widest gaps, each also without up to two one-letter words at either end
    (`a f u c k`). A bounded number per chain, so the cost stays linear.
    """
    first = 0
    while first < len(tokens):
        last = first
        gaps: list[int] = []
        while last + 1 < len(tokens) and _joinable(canonical, tokens[last], tokens[last + 1]):
            gaps.append(tokens[last + 1][0] - tokens[last][1])
            last += 1
        if last > first:
            yield from _candidates(tokens, first, last, gaps)
        first = last + 1


def _joinable(canonical: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Whether two neighbouring tokens may be pieces of one word."""
    gap = canonical[left[1] : right[0]]
    if len(gap) == 1 and gap in _TIGHT:
        return True
    singles = len(left[2]) == 1 and len(right[2]) == 1
    return singles and 0 < len(gap) <= 3 and all(char in _GAP for char in gap)


def _candidates(
    tokens: list[tuple[int, int, str]], first: int, last: int, gaps: list[int]
) -> Iterator[tuple[int, int]]:
    """The token ranges of one chain worth looking up; see `_joins`."""
    stretches = [(first, last)]
    narrowest = min(gaps)
    if max(gaps) > narrowest:
        start = first
        for offset, gap in enumerate(gaps):
            if gap > narrowest:
                stretches.append((start, first + offset))
                start = first + offset + 1
        stretches.append((start, last))
    seen: set[tuple[int, int]] = set()
    for low, high in stretches:
        for drop_low in range(3):
            for drop_high in range(3):
                a, b = low + drop_low, high - drop_high
                dropped = [*range(low, a), *range(b + 1, high + 1)]
                if b - a < 1 or (a, b) in seen:
                    continue
                if all(tokens[i][2] in _STOP_LETTERS for i in dropped):
                    seen.add((a, b))
                    yield a, b


def _drop_nested(hits: list[tuple[int, int, _Listed]]) -> list[tuple[int, int, _Listed]]:
    """One hit per list and span, without hits inside a longer hit of the same list."""
    kept: list[tuple[int, int, _Listed]] = []
    reach: dict[str, int] = {}
    seen: set[tuple[int, int, str]] = set()
    order = sorted(hits, key=lambda hit: (hit[0], -hit[1], _oddness(hit[2].word)))
    for start, end, listed in order:
        key = (start, end, listed.list_name)
        if key in seen or reach.get(listed.list_name, -1) >= end:
            continue
        seen.add(key)
        reach[listed.list_name] = end
        kept.append((start, end, listed))
    return kept
