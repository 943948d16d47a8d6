"""Listed words and phrases found in a comment: whole words, after normalisation, in linear time.

`WordMatcher.build` compiles a site's lists once per policy change into hash tables:
exact forms, forms with their repeated letters collapsed, forms by length and end
letter (for `f*ck`), spelled-out forms (`s.o.b.`), and a trie of phrases filed under
their longest word. `find` normalises the comment, reads it (see `normalize`: its plain
words, its odd tokens, its chains of split letters) and asks those tables a bounded
number of questions per token, so cost grows with the text and not with the lists,
and no regular expression can backtrack on hostile input. An ordinary comment with no
listed word costs a few C-speed scans and set operations, not Python work per word.

What counts as the same word:
- leetspeak: `sh1t`, `@$$`, `pr0n`; digits alone (`455`, `1488`) stay numbers;
- self-censoring: `*` and `#` stand for one letter (`f*ck`, `a**hole`);
- runs of three or more letters may stand for one or two (`fuuuck`); a doubled
  letter may not (`good` is not `god`, `noob` is not `nob`);
- letters split by spaces, dots, dashes (`f u c k`, `s.h.i.t`, `fu-ck`) are joined when the
  join is a listed word. Spaces only join single letters, so ordinary neighbouring words
  (`the pen is`) never are; an apostrophe joins nothing (`He'll`, `I'm`);
- look-alike letters in a word that mixes scripts are read both as Latin and as Cyrillic.
An allowed word is removed from every list; an allowed phrase (`Dick Van Dyke`) clears
the hits inside it.

The default list is better-profanity's, read from its package, minus ordinary news words
(`NEWS_VOCABULARY`): a news site discussing a murder trial must not wait for a moderator.
"""

from __future__ import annotations

import importlib.util
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, product
from pathlib import Path
from types import MappingProxyType

from comments.moderation.normalize import (
    SYMBOLS,
    TOKEN,
    chains,
    fold_mixed,
    next_token,
    normalize,
    odd_tokens,
    plain_words,
    visible,
    whole_tokens,
)

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

_LEET = MappingProxyType(
    {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"}
    | {"@": "a", "$": "s", "!": "il", "+": "t", "|": "li", "€": "e", "¢": "c", "#": "*"}
)
_LEET_FIRST = MappingProxyType(str.maketrans({key: value[0] for key, value in _LEET.items()}))
_MAX_AMBIGUOUS = 3  # leet characters read two ways per token; later ones one way
_MAX_CANDIDATES = 64  # entries checked per look-up, phrases per keyword, trie nodes per step
_MAX_LOCATED = 16  # distinct words found by `str.find`; past it, one pass over all tokens
_STOP_LETTERS = frozenset("aiавикосуя")  # one-letter words that may flank spaced letters
_PHRASE_GAP = 3  # characters between the words of a phrase
_RUN3 = re.compile(r"(.)\1\1")
_RUN = re.compile(r"(.)\1*")


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


_Hit = tuple[int, int, _Listed]  # a canonical span and the entry found there


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    ends: list[_Listed] = field(default_factory=list)


@dataclass(slots=True)
class _Phrases:
    """Multi-word entries: a trie by word form, and each phrase under its longest word.

    No phrase can be in a text that lacks any of its words, so a text is walked only
    from the first words of phrases whose words are all there.
    """

    root: _Node = field(default_factory=_Node)
    by_keyword: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    heads: dict[str, set[str]] = field(default_factory=dict)  # first words, by keyword

    def add(self, forms: tuple[str, ...], listed: _Listed) -> None:
        """One phrase, as the forms of its words."""
        node = self.root
        for form in forms:
            node = node.children.setdefault(form, _Node())
        node.ends.append(listed)
        keyword = max(reversed(forms), key=len)
        self.by_keyword.setdefault(keyword, []).append(forms)
        self.heads.setdefault(keyword, set()).add(forms[0])

    def openers(self, present: set[str]) -> set[str]:
        """First words of the phrases whose words are all among `present` (or a superset)."""
        found: set[str] = set()
        for keyword in self.by_keyword.keys() & present:
            phrases = self.by_keyword[keyword]
            if len(phrases) > _MAX_CANDIDATES:  # many phrases share it: walk from every head
                found |= self.heads[keyword]
            else:
                found.update(forms[0] for forms in phrases if present.issuperset(forms))
        return found

    def walk(self, canonical: str, start: int, raw: str, forms: Sequence[str]) -> list[_Hit]:
        """Phrases opening with the token `raw` at `start`, word by word through the trie."""
        hits: list[_Hit] = []
        nodes = [self.root]
        end = start + len(raw)
        for _ in range(MAX_PHRASE_WORDS):
            nodes = [
                child
                for node in nodes
                for form in forms
                if (child := node.children.get(form)) is not None
            ][:_MAX_CANDIDATES]
            hits += [(start, end, listed) for node in nodes for listed in node.ends]
            token = next_token(canonical, end, _PHRASE_GAP) if nodes else None
            if token is None:
                return hits
            end = token.end()
            forms = _text_forms(token.group())
        return hits


@dataclass(slots=True)
class _Tables:
    exact: dict[str, list[_Listed]] = field(default_factory=dict)
    collapsed: dict[str, list[tuple[tuple[int, ...], _Listed]]] = field(default_factory=dict)
    by_first: dict[tuple[int, str], list[tuple[str, _Listed]]] = field(default_factory=dict)
    by_last: dict[tuple[int, str], list[tuple[str, _Listed]]] = field(default_factory=dict)
    spelled: dict[str, list[_Listed]] = field(default_factory=dict)  # `s.o.b.`: joins only
    phrases: _Phrases = field(default_factory=_Phrases)
    allowed: _Phrases = field(default_factory=_Phrases)


@dataclass(frozen=True, slots=True)
class _Reading:
    """A canonical text with its plain words, odd tokens and every form they read as."""

    text: str
    words: set[str]
    odd: list[tuple[int, str, list[str]]]
    present: set[str]  # the words and every reading of the odd tokens

    @classmethod
    def of(cls, canonical: str) -> _Reading:
        """Look at the canonical text once for every later question."""
        words = set(plain_words(canonical))
        read: dict[str, list[str]] = {}  # a token repeated is read once
        odd = [
            (start, raw, read[raw] if raw in read else read.setdefault(raw, _text_forms(raw)))
            for start, raw in odd_tokens(canonical)
        ]
        present = words.union(*(forms for _, _, forms in odd)) if odd else words
        return cls(canonical, words, odd, present)

    def locate(self, wanted: set[str]) -> Iterator[tuple[int, str, list[str]]]:
        """The tokens that are, or read as, one of `wanted`: (start, text, forms)."""
        if not wanted:
            return
        plain = wanted & self.words
        if len(plain) > _MAX_LOCATED:
            for match in TOKEN.finditer(self.text):
                if match.group() in plain:
                    yield match.start(), match.group(), [match.group()]
        else:
            for word in plain:
                for start in whole_tokens(self.text, word):
                    yield start, word, [word]
        for start, raw, forms in self.odd:
            if not wanted.isdisjoint(forms):
                yield start, raw, forms


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


def default_words(*, news_vocabulary: bool = False) -> tuple[str, ...]:
    """The default list: better-profanity's, without `NEWS_VOCABULARY` unless asked for."""
    words = bundled_words()
    if news_vocabulary:
        return words
    return tuple(word for word in words if word.lower() not in NEWS_VOCABULARY)


class WordMatcher:
    """Compiled word lists; build once per policy change, then `find` in any number of texts."""

    def __init__(self, tables: _Tables) -> None:
        """Use `build`."""
        self._t = tables

    @classmethod
    def build(
        cls,
        lists: Mapping[str, Iterable[str]],
        allowed: Iterable[str] = (),
        include_default: bool = True,
        *,
        news_vocabulary: bool = False,
    ) -> WordMatcher:
        """Compile named lists (for example `banned`, `suspect`) and an allow list.

        With `include_default`, better-profanity's list (see `default_words`; with
        `news_vocabulary`, whole) joins the list named `default`, and `DEFAULT_ALLOWED`
        joins the allow list. Entries are normalised like comments; blank entries are
        skipped. Raises ValueError for a list longer than `MAX_WORDS`, an entry longer
        than `MAX_ENTRY_LENGTH` or with more than `MAX_PHRASE_WORDS` words, an entry with
        no letters or digits, a one-letter word, or a `*`/`#` wildcard in an entry.
        """
        tables = _Tables()
        allowed_words: set[str] = set()
        extra = DEFAULT_ALLOWED if include_default else ()
        for entry, strict in _tagged(_entries("allowed", allowed), extra):
            forms = _entry_forms(entry, strict=strict)
            if forms is not None and len(forms) == 1:
                allowed_words.add(forms[0])
            elif forms is not None:
                tables.allowed.add(forms, _Listed("allowed", entry))
        named = {name: _entries(name, words) for name, words in lists.items()}
        if include_default:
            named.setdefault(DEFAULT_LIST, [])
        bundled = default_words(news_vocabulary=news_vocabulary) if include_default else ()
        words: dict[tuple[str, str], str] = {}  # (list, form) -> the entry to report
        for name, entries in named.items():
            for entry, strict in _tagged(entries, bundled if name == DEFAULT_LIST else ()):
                forms = _entry_forms(entry, strict=strict)
                if forms is None:
                    continue
                if all(len(form) == 1 for form in forms):  # `s.o.b.`: only ever spelled out
                    if "".join(forms) not in allowed_words:
                        tables.spelled.setdefault("".join(forms), []).append(_Listed(name, entry))
                elif len(forms) > 1:
                    tables.phrases.add(forms, _Listed(name, entry))
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
        reading = _Reading.of(normalized.text)
        hits = self._scan(reading)
        if not hits:
            return []
        return [
            WordHit(listed.list_name, listed.word, normalized.span(start, end))
            for start, end, listed in _drop_nested(self._allow(reading, hits))
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

    def _scan(self, reading: _Reading) -> list[_Hit]:
        """Every hit with canonical spans: odd tokens, listed words, phrases, joined pieces."""
        canonical = reading.text
        hits: list[_Hit] = []
        seen: dict[str, list[_Listed]] = {}  # a word repeated is looked up once
        for start, raw, forms in reading.odd:
            for form in forms:
                found = seen[form] if form in seen else seen.setdefault(form, self._lookup(form))
                hits += ((start, start + len(raw), entry) for entry in found)
        listed = self._t.exact.keys() & reading.words
        openers = self._t.phrases.openers(reading.present)
        for start, raw, forms in reading.locate(listed | openers):
            if raw in listed:
                hits += ((start, start + len(raw), e) for e in self._t.exact[raw])
            if not openers.isdisjoint(forms):
                hits += self._t.phrases.walk(canonical, start, raw, forms)
        for tokens in chains(canonical):
            for first, last in sorted(_candidates(tokens)):
                joined = "".join(raw for _, raw in tokens[first : last + 1])
                if joined.isdecimal():
                    continue
                start, end = tokens[first][0], tokens[last][0] + len(tokens[last][1])
                for form in _text_forms(joined):
                    if form not in seen:
                        seen[form] = self._lookup(form)
                    found = [*seen[form], *self._t.spelled.get(form, ())]
                    hits += ((start, end, entry) for entry in found)
        return hits

    def _allow(self, reading: _Reading, hits: list[_Hit]) -> list[_Hit]:
        """Hits outside every allowed phrase."""
        phrases = self._t.allowed
        openers = phrases.openers(reading.present) if phrases.by_keyword else set()
        cleared = sorted(
            (start, end)
            for first, raw, forms in reading.locate(openers)
            for start, end, _ in phrases.walk(reading.text, first, raw, forms)
        )
        if not cleared:
            return hits
        starts = [start for start, _ in cleared]
        reach = list(accumulate((end for _, end in cleared), max))  # furthest end so far
        return [
            hit
            for hit in hits
            if (index := bisect_right(starts, hit[0]) - 1) < 0 or reach[index] < hit[1]
        ]

    def _lookup(self, form: str) -> list[_Listed]:
        """Entries this word form stands for: as written, inflated, or censored."""
        if "*" in form:
            return self._censored(form)
        found = self._t.exact.get(form, [])
        if _RUN3.search(form) and not form.isdecimal():
            key, runs = _runs(form)
            found = found + [
                listed
                for listed_runs, listed in self._t.collapsed.get(key, [])[:_MAX_CANDIDATES]
                if all(t == e or e <= t >= 3 for t, e in zip(runs, listed_runs, strict=True))
            ]
        return found

    def _censored(self, form: str) -> list[_Listed]:
        """Entries of the same length that agree with `form` wherever it is not `*`."""
        if form[0] != "*":
            bucket = self._t.by_first.get((len(form), form[0]), [])
        elif form[-1] != "*":
            bucket = self._t.by_last.get((len(form), form[-1]), [])
        else:
            return []
        return [
            listed
            for word, listed in bucket[:_MAX_CANDIDATES]
            if all(a in ("*", b) for a, b in zip(form, word, strict=True))
        ]


def _tagged(given: Iterable[str], bundled: Iterable[str]) -> list[tuple[str, bool]]:
    """Entries with whether a problem is an error (the site's) or a skip (ours)."""
    return [(entry, True) for entry in given] + [(entry, False) for entry in bundled]


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
    raws = TOKEN.findall(normalize(entry).text)
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


def _runs(form: str) -> tuple[str, tuple[int, ...]]:
    """The form with each run of a letter written once, and the runs' lengths."""
    runs = [match.group() for match in _RUN.finditer(form)]
    return "".join(run[0] for run in runs), tuple(len(run) for run in runs)


def _text_forms(raw: str) -> list[str]:
    """The readings of a text token: trimmed of edge symbols, leet resolved, scripts unmixed."""
    if raw.isalpha() or raw.isdecimal():
        return [raw, *fold_mixed(raw)] if not raw.isascii() else [raw]
    forms: list[str] = []
    cuts = (raw, raw.lstrip(SYMBOLS), raw.rstrip(SYMBOLS), raw.strip(SYMBOLS))
    for cut in dict.fromkeys(cuts) if cuts[3] != raw else (raw,):
        if not cut or cut.isdecimal():
            continue
        readings = [cut] if cut.isalpha() else _leet(cut)
        for reading in readings:
            if "*" not in reading or any(char != "*" for char in reading):
                forms += [reading, *fold_mixed(reading)]
    return list(dict.fromkeys(forms))


def _leet(cut: str) -> list[str]:
    """Every reading of a token's leet characters, the first `_MAX_AMBIGUOUS` read both ways."""
    if not any(char in "1!|" for char in cut):
        return [cut.translate(_LEET_FIRST)]
    options = [_LEET.get(char, char) for char in cut]
    ambiguous = 0
    for index, option in enumerate(options):
        if len(option) > 1:
            ambiguous += 1
            if ambiguous > _MAX_AMBIGUOUS:
                options[index] = option[0]
    return ["".join(letters) for letters in product(*options)]


def _candidates(tokens: list[tuple[int, str]]) -> set[tuple[int, int]]:
    """The token ranges of one chain worth looking up.

    The whole chain; the stretches between its widest gaps (`f u c k  y o u`); each also
    without up to two one-letter words at either end (`a f u c k`). A bounded number per
    chain, so the cost stays linear.
    """
    last = len(tokens) - 1
    if last == 1 and tokens[0][1] not in _STOP_LETTERS and tokens[1][1] not in _STOP_LETTERS:
        return {(0, 1)}  # the common case: `short-sighted`
    gaps = [tokens[i + 1][0] - tokens[i][0] - len(tokens[i][1]) for i in range(last)]
    stretches = [(0, last)]
    narrowest = min(gaps)
    if max(gaps) > narrowest:
        start = 0
        for index, gap in enumerate(gaps):
            if gap > narrowest:
                stretches.append((start, index))
                start = index + 1
        stretches.append((start, last))
    found: set[tuple[int, int]] = set()
    for low, high in stretches:
        lead = _stop_letters(tokens[low : low + 2])
        tail = _stop_letters(tokens[high - 1 : high + 1][::-1])
        found.update(
            (low + a, high - b)
            for a in range(lead + 1)
            for b in range(tail + 1)
            if high - b > low + a
        )
    return found


def _stop_letters(tokens: list[tuple[int, str]]) -> int:
    """How many of these tokens, in order, are one-letter words."""
    count = 0
    for _, raw in tokens:
        if raw not in _STOP_LETTERS:
            break
        count += 1
    return count


def _drop_nested(hits: list[_Hit]) -> list[_Hit]:
    """One hit per list and span, without hits inside a longer hit of the same list."""
    kept: list[_Hit] = []
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
