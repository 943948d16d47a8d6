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

The built-in lists come one module a language (`comments.moderation.languages`), each
word with a tier (mild, strong, slur); their `ROOTS` rules (`comments.moderation.roots`)
find the words a list cannot enumerate: Russian derivations, English compounds and
hashtags. A hit carries its tier; site lists carry none and keep their own actions.

Numbers are never words: a token with digits and no more letters than digits (`n19`,
`#17`, `A380`) has no other reading, and an upper-case roman numeral (`XXX`, `LXIX`)
is a number too. Markdown emphasis (`*no*`) is not self-censoring. Text that a
right-to-left override displays backwards is read as displayed as well.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, product
from types import MappingProxyType

import ahocorasick_rs

from comments.models import LANGUAGES, Language, Tier
from comments.moderation import languages as builtin
from comments.moderation.languages.en import NEWS_VOCABULARY
from comments.moderation.normalize import (
    SYMBOLS,
    TOKEN,
    chains,
    classes,
    fold_mixed,
    is_whole,
    next_token,
    normalize,
    odd_tokens,
    plain_words,
    visible,
    whole_tokens,
)
from comments.moderation.roots import TIER_ORDER, Lemmas, RootMatcher

MAX_WORDS = 10_000
"""Entries per list (and in the allow list); past it `build` raises ValueError."""
MAX_ENTRY_LENGTH = 64
"""Characters per entry as written."""
MAX_PHRASE_WORDS = 8
"""Words per phrase entry."""
DEFAULT_LIST = "default"

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
    "spick and span",
    "homo erectus",
    "homo habilis",
    "homo neanderthalensis",
    "ecce homo",
)
"""Names and set phrases that contain a default-list word, allowed with the default list."""

_LEET = MappingProxyType(
    {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"}
    | {"@": "a", "$": "s", "!": "il", "+": "t", "|": "li", "€": "e", "¢": "c", "#": "*"}
)
_CYRILLIC_LEET = MappingProxyType(
    str.maketrans(
        {"0": "о", "3": "з", "4": "ч", "6": "б", "9": "я", "@": "а", "$": "с", "#": "*"}
        | {"1": "и", "!": "и", "|": "и", "+": "т", "€": "е", "¢": "с", "8": "в", "5": "s"}
    )
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SPACERS = SYMBOLS + "!"
_LOOKALIKE_LETTERS = frozenset("aceopxyhkmtb")  # Latin letters a Cyrillic word may borrow
_ROMAN = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_OVERRIDE = re.compile("\u202e([^\u202a-\u202e\u2066-\u2069\n]*)")
_EMPHASIS = re.compile(r"(\*{1,3})([^*]+)\1")
_DASHES = re.compile(r"(?<=[^\W\d_])-{2,3}(?=[^\W\d_])")
_NAMED = re.compile(r"[^\W\d_]+\.?\s+(?:[A-Z]\.\s*)*[A-Z][a-z]")
_LEET_FIRST = MappingProxyType(str.maketrans({key: value[0] for key, value in _LEET.items()}))
_MAX_AMBIGUOUS = 3  # leet characters read two ways per token; later ones one way
_MAX_CANDIDATES = 64  # entries checked per look-up, phrases per keyword, trie nodes per step
_MAX_LOCATED = 64  # distinct words found by `str.find`; past it, one pass over all tokens
_STOP_LETTERS = frozenset("aiавикосуя")  # one-letter words that may flank spaced letters
_PHRASE_GAP = 3  # characters between the words of a phrase
_RUN3 = re.compile(r"(.)\1\1")
_RUN = re.compile(r"(.)\1*")


@dataclass(frozen=True, slots=True)
class WordHit:
    """A listed word or phrase found in a comment, with its span in the comment as written.

    `tier` is set for the built-in lists' words and roots, None for a site's own lists.
    """

    list_name: str
    word: str
    span: tuple[int, int]
    tier: Tier | None = None


@dataclass(frozen=True, slots=True)
class _Listed:
    list_name: str
    word: str
    tier: Tier | None = None


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
    names: frozenset[str] = frozenset()  # entries that are also first names (`Dick`)


@dataclass(frozen=True, slots=True)
class _Reading:
    """A canonical text with its plain words, odd tokens and every form they read as."""

    text: str
    words: set[str]
    odd: list[tuple[int, str, list[str]]]
    present: set[str]  # the words and every reading of the odd tokens
    positions: dict[str, list[int]] | None = None  # where each word stands, when known
    projection: str | None = None  # one class code per character (see `classes`)

    @classmethod
    def of(cls, canonical: str, vocabulary: _Vocabulary | None = None) -> _Reading:
        """Look at the canonical text once for every later question.

        A text in Latin letters is split into its words (a few C-speed passes); in a
        mostly Cyrillic one only the words the lists know are looked for, by one pass of
        an automaton.
        """
        projection = classes(canonical)
        positions: dict[str, list[int]] | None = None
        # Mostly Cyrillic (two bytes a letter): the lists' words are few and far between.
        if vocabulary is None or 3 * len(canonical.encode()) < 4 * len(canonical):
            words = set(plain_words(canonical))
        else:
            positions = vocabulary.find(canonical)
            words = set(positions)
        read: dict[str, list[str]] = {}  # a token repeated is read once
        odd = [
            (start, raw, read[raw] if raw in read else read.setdefault(raw, _text_forms(raw)))
            for start, raw in odd_tokens(canonical, projection)
        ]
        present = words.union(*(forms for _, _, forms in odd)) if odd else words
        return cls(canonical, words, odd, present, positions, projection)

    def locate(self, wanted: set[str]) -> Iterator[tuple[int, str, list[str]]]:
        """The tokens that are, or read as, one of `wanted`: (start, text, forms)."""
        if not wanted:
            return
        plain = wanted & self.words
        if self.positions is not None:
            for word in plain:
                for start in self.positions[word]:
                    yield start, word, [word]
        elif len(plain) > _MAX_LOCATED:
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


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """Every word form the lists know, in one automaton: found where they stand whole."""

    words: tuple[str, ...]
    automaton: ahocorasick_rs.AhoCorasick

    @classmethod
    def of(cls, words: Iterable[str]) -> _Vocabulary | None:
        known = tuple(sorted(set(words)))
        if not known:
            return None
        # A DFA for a few hundred words; a compact automaton for a site's thousands,
        # whose DFA would push the rest of the work out of the processor's caches.
        kind = ahocorasick_rs.Implementation
        implementation = kind.DFA if len(known) <= 2_000 else kind.ContiguousNFA
        return cls(known, ahocorasick_rs.AhoCorasick(known, implementation=implementation))

    def find(self, canonical: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for index, start, end in self.automaton.find_matches_as_indexes(
            canonical, overlapping=True
        ):
            if is_whole(canonical, start, end):
                found.setdefault(self.words[index], []).append(start)
        return found


def default_words(
    *, news_vocabulary: bool = False, languages: tuple[Language, ...] = LANGUAGES
) -> dict[str, Tier]:
    """The built-in words of these languages with their tiers; English without
    `NEWS_VOCABULARY` unless asked for."""
    found = builtin.words(languages)
    if news_vocabulary and "en" in languages:
        for word in NEWS_VOCABULARY:
            found.setdefault(word, "mild")
    return found


class WordMatcher:
    """Compiled word lists; build once per policy change, then `find` in any number of texts."""

    def __init__(self, tables: _Tables, roots: RootMatcher) -> None:
        """Use `build`."""
        self._t = tables
        self._roots = roots
        self._vocabulary = _Vocabulary.of(
            [
                *tables.exact,
                *(w for ps in tables.phrases.by_keyword.values() for p in ps for w in p),
                *(w for ps in tables.allowed.by_keyword.values() for p in ps for w in p),
            ]
        )

    @classmethod
    def build(
        cls,
        lists: Mapping[str, Iterable[str]],
        allowed: Iterable[str] = (),
        include_default: bool = True,
        *,
        news_vocabulary: bool = False,
        languages: tuple[Language, ...] = LANGUAGES,
        lemmas: Lemmas | None = None,
    ) -> WordMatcher:
        """Compile named lists (for example `banned`, `suspect`) and an allow list.

        With `include_default`, the built-in lists of `languages` (see `default_words`;
        with `news_vocabulary`, better-profanity's whole) join the list named `default`
        with their tiers, their root rules apply (Russian ones with `lemmas`, the
        dictionary that tells ordinary words from obscene derivations), and
        `DEFAULT_ALLOWED` joins the allow list. Entries are normalised like comments;
        blank entries are skipped. Raises ValueError for a list longer than `MAX_WORDS`,
        an entry longer than `MAX_ENTRY_LENGTH` or with more than `MAX_PHRASE_WORDS`
        words, an entry with no letters or digits, a one-letter word, or a `*`/`#`
        wildcard in an entry.
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
        tiers = (
            default_words(news_vocabulary=news_vocabulary, languages=languages)
            if include_default
            else {}
        )
        bundled = tuple(tiers)
        words: dict[tuple[str, str], str] = {}  # (list, form) -> the entry to report
        worst: dict[tuple[str, str], Tier] = {}
        for name, entries in named.items():
            for entry, strict in _tagged(entries, bundled if name == DEFAULT_LIST else ()):
                forms = _entry_forms(entry, strict=strict)
                if forms is None:
                    continue
                tier = tiers.get(entry) if name == DEFAULT_LIST else None
                listed = _Listed(name, entry, tier)
                if all(len(form) == 1 for form in forms):  # `s.o.b.`: only ever spelled out
                    if "".join(forms) not in allowed_words:
                        tables.spelled.setdefault("".join(forms), []).append(listed)
                elif len(forms) > 1:
                    tables.phrases.add(forms, listed)
                elif forms[0] not in allowed_words:
                    key = (name, forms[0])
                    reported = words.setdefault(key, entry)
                    if _oddness(entry) < _oddness(reported):  # report `shit`, not `sh!+`
                        words[key] = entry
                    if tier is not None and TIER_ORDER[tier] >= TIER_ORDER[worst.get(key, tier)]:
                        worst[key] = tier
        for (name, form), entry in words.items():
            tier = worst.get((name, form))
            _add_word(tables, form, _Listed(name, entry, tier))
            plural = _plural(form) if tier in ("strong", "slur") else None
            if plural is not None and (name, plural) not in words and plural not in NEWS_VOCABULARY:
                _add_word(tables, plural, _Listed(name, entry, tier))
        if include_default:
            tables.names = builtin.names(languages)
        _rank(tables)
        rules = builtin.roots(languages) if include_default else ()
        return cls(tables, RootMatcher.build(rules, lemmas if lemmas is not None else Lemmas()))

    def find(self, text: str) -> list[WordHit]:
        """Listed words in `text`, in order, with spans in `text`'s code points."""
        found = self._find(text)
        if "\u202e" in text:  # also as displayed: an override shows its text reversed
            displayed, origin = _displayed(text)
            found += [
                WordHit(hit.list_name, hit.word, _back(origin, hit.span), hit.tier)
                for hit in self._find(displayed)
            ]
            found = sorted(set(found), key=lambda hit: hit.span)
        return found

    def _find(self, text: str) -> list[WordHit]:
        normalized = normalize(text)
        canonical = normalized.text
        if "--" in canonical:  # `f--k`: dashes inside a word censor letters, like stars
            canonical = _DASHES.sub(lambda match: "*" * len(match.group()), canonical)
        reading = _Reading.of(canonical, self._vocabulary)
        hits = self._scan(reading)
        if not hits:
            return []
        return [
            WordHit(listed.list_name, listed.word, span, listed.tier)
            for start, end, listed in _drop_nested(self._allow(reading, hits))
            if not _roman(text, span := normalized.span(start, end))
            and not (listed.word in self._t.names and _named(text, span))
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
        hits: list[_Hit] = [
            (start, end, _Listed(DEFAULT_LIST, root.word, root.tier))
            for start, end, root in self._roots.scan(canonical)
        ]
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
        listed_only: dict[str, list[_Listed]] = {}
        for tokens in chains(canonical, reading.projection):
            if len(tokens) == 2 and len(tokens[0][1]) == len(tokens[1][1]) == 1:
                continue  # two letters (`и в`, `a i`): no listed word is that short
            rooted: list[_Hit] = []
            for first, last in sorted(_candidates(tokens)):
                joined = "".join(raw for _, raw in tokens[first : last + 1])
                if joined.isdecimal():
                    continue
                start, end = tokens[first][0], tokens[last][0] + len(tokens[last][1])
                for form in _text_forms(joined):
                    if form not in listed_only:
                        listed_only[form] = self._lookup(form, roots=False)
                    found = [*listed_only[form], *self._t.spelled.get(form, ())]
                    hits += ((start, end, entry) for entry in found)
                    root = self._roots.check(form) if "*" not in form else None
                    if root is not None:
                        rooted.append((start, end, _Listed(DEFAULT_LIST, root.word, root.tier)))
            hits += _narrowest(rooted)
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

    def _lookup(self, form: str, *, roots: bool = True) -> list[_Listed]:
        """Entries this word form stands for: as written, inflated, censored, or by root."""
        if "*" in form:
            found = self._censored(form)
            root = None if found or not roots else self._roots.censored(form)
            return found if root is None else [_Listed(DEFAULT_LIST, root.word, root.tier)]
        found = self._t.exact.get(form, [])
        root = self._roots.check(form) if roots else None
        if root is not None:
            found = [*found, _Listed(DEFAULT_LIST, root.word, root.tier)]
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
    if not (raw.isalpha() or raw.isdecimal() or _is_number(raw)):
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
    """The readings of a text token: trimmed of edge symbols, leet resolved, scripts unmixed.

    A number has none (`n19`, `#17`: digits, and no more letters than digits); markdown
    emphasis is read as its word (`*no*` is `no`, not `no?`); letters each set off by a
    symbol are read joined as well (`f+u+c+k`); a Cyrillic token reads its digits as
    Cyrillic letters (`пи3да`).
    """
    if raw.isalpha() or raw.isdecimal():
        return [raw, *fold_mixed(raw)] if not raw.isascii() else [raw]
    if _is_number(raw):
        return [raw]
    emphasis = _EMPHASIS.fullmatch(raw)
    if emphasis is not None and emphasis.group(2).isalnum():
        return _text_forms(emphasis.group(2))
    forms: list[str] = []
    cuts = (raw, raw.lstrip(SYMBOLS), raw.rstrip(SYMBOLS), raw.strip(SYMBOLS))
    letters = {char for char in raw if char.isalpha()}
    cyrillic = _CYRILLIC.search(raw) is not None or (
        bool(letters) and letters <= _LOOKALIKE_LETTERS and any(c.isdigit() for c in raw)
    )
    for cut in dict.fromkeys(cuts) if cuts[3] != raw else (raw,):
        if not cut or cut.isdecimal() or _is_number(cut):
            continue
        readings = [cut] if cut.isalpha() else _leet(cut)
        if cyrillic and not cut.isalpha():
            readings.append(cut.translate(_CYRILLIC_LEET))
        if len(cut) >= 5 and all(c in _SPACERS for c in cut[1::2]) and cut[::2].isalpha():
            readings.append(cut[::2])
        for reading in readings:
            if "*" not in reading or any(char != "*" for char in reading):
                forms += [reading, *fold_mixed(reading)]
    return list(dict.fromkeys(forms))


def _plural(form: str) -> str | None:
    """The English plural of a strong word the list gives only in the singular."""
    if not form.isascii() or not form.isalpha() or form.endswith("s"):
        return None
    return form + ("es" if form.endswith(("sh", "ch", "x", "z")) else "s")


def _named(text: str, span: tuple[int, int]) -> bool:
    """Whether a word that is also a first name is written as one (`Dick Francis`)."""
    written = text[span[0] : span[1]]
    return written[:1].isupper() and written[1:].islower() and bool(
        _NAMED.match(text, span[0])
    )


def _is_number(token: str) -> bool:
    """Digits, and no more letters than digits: a code, a count, a model (`n19`, `A380`)."""
    digits = sum(char.isdigit() for char in token)
    return digits > 0 and sum(char.isalpha() for char in token) <= digits


def _roman(text: str, span: tuple[int, int]) -> bool:
    """Whether the text behind a hit is an upper-case roman numeral (`XXX`, `LXIX`)."""
    written = text[span[0] : span[1]].strip()
    return len(written) > 1 and written.isupper() and _ROMAN.fullmatch(written) is not None


def _displayed(text: str) -> tuple[str, list[int]]:
    """The text as a right-to-left override shows it, and where each character came from."""
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    for match in _OVERRIDE.finditer(text):
        start, end = match.span(1)
        pieces.append(text[position:start])
        origin += range(position, start)
        pieces.append(match.group(1)[::-1])
        origin += range(end - 1, start - 1, -1)
        position = end
    pieces.append(text[position:])
    origin += range(position, len(text))
    return "".join(pieces), origin


def _back(origin: list[int], span: tuple[int, int]) -> tuple[int, int]:
    """A span of the displayed text as the span of the stored characters behind it."""
    inside = origin[span[0] : span[1]] or [0]
    return min(inside), max(inside) + 1


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


def _narrowest(hits: list[_Hit]) -> list[_Hit]:
    """Root hits of one chain that hold no other: `f u c k` in `a f u c k`."""
    return [
        hit
        for hit in hits
        if not any(
            other is not hit and hit[0] <= other[0] and other[1] <= hit[1]
            and (other[0], other[1]) != (hit[0], hit[1])
            for other in hits
        )
    ]


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
