"""Obscene roots inside longer tokens: the part of a language a word list cannot cover.

Russian builds thousands of words on a handful of roots (prefixes, suffixes, endings,
compounds), and English glues its strong words into compounds and hashtags
(`clusterfuck`, `#fuckthis`). A `Root` is one such rule: literal `cores` that any match
contains, a `pattern` searched in the token that holds them, a `clean` pattern for the
ordinary words that contain the same letters (`Scunthorpe`, `употреблять`), and, for
Russian, `morph`: a dictionary word whose lemma does not match the rule is ordinary
(`страхуй` is `страховать`; `суки` is still `сука`).

`RootMatcher.scan` finds the cores of every rule in a text in one pass of an
Aho-Corasick automaton, so an ordinary comment costs one C-speed scan; only the few
tokens holding a core are read by Python. Tokens are looked at through a bounded
window, so no pattern can run away on a 10,000-letter token.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick_rs

from comments.models import Tier
from comments.moderation.normalize import TOKEN, is_token_char

log = logging.getLogger(__name__)
TIER_ORDER: dict[Tier, int] = {"mild": 0, "strong": 1, "slur": 2}
_WINDOW = 24  # characters either side of a core looked at in a very long token
_LONG_TOKEN = 64
_MEMO = 8192  # token verdicts remembered per matcher
_RUNS = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_VOWELS = "aeiouyаеиоуыяюэі"


@dataclass(frozen=True, slots=True)
class Root:
    """One rule: what moderators see (`word`), how bad it is, and how to recognise it."""

    word: str
    tier: Tier
    cores: tuple[str, ...]
    pattern: str
    clean: str = ""
    morph: bool = False

    @property
    def key(self) -> str:
        """Identity across languages that share a rule."""
        return f"{self.word}\x00{self.pattern}"


class Lemmas:
    """Russian dictionary forms (pymorphy3), loaded on first use: about 40 MB, 0.1 s."""

    def __init__(self) -> None:
        self._analyzer: object | None = None
        self._failed = False
        self._lock = threading.Lock()

    def of(self, word: str) -> tuple[str, ...] | None:
        """The lemmas of a dictionary word; None for a word the dictionary does not know.

        Without the dictionary every word is unknown: a flagged word then stays flagged,
        so a comment waits for a moderator rather than slipping through.
        """
        analyzer = self._load()
        if analyzer is None:
            return None
        parses = analyzer.parse(word)  # type: ignore[attr-defined]
        known = [p.normal_form.replace("ё", "е") for p in parses if p.is_known]
        return tuple(dict.fromkeys(known)) if known else None

    def _load(self) -> object | None:
        if self._analyzer is None and not self._failed:
            with self._lock:
                if self._analyzer is None and not self._failed:
                    try:
                        import pymorphy3  # type: ignore[import-untyped]

                        self._analyzer = pymorphy3.MorphAnalyzer(lang="ru")
                    except Exception:
                        self._failed = True
                        log.exception("the Russian dictionary did not load; flagged words stay")
        return self._analyzer


@dataclass(slots=True)
class _Compiled:
    root: Root
    pattern: re.Pattern[str]
    clean: re.Pattern[str] | None


@dataclass(slots=True)
class RootMatcher:
    """Compiled root rules; `scan` a canonical text, or `check` one token's reading."""

    rules: list[_Compiled]
    by_core: list[list[int]]  # automaton pattern index -> rule indices
    automaton: ahocorasick_rs.AhoCorasick | None
    lemmas: Lemmas | None
    _cores: tuple[str, ...] = ()
    memo: dict[str, int | None] = field(default_factory=dict)  # token -> rule index
    censored_memo: dict[str, Root | None] = field(default_factory=dict)

    @classmethod
    def build(cls, roots: Iterable[Root], lemmas: Lemmas | None = None) -> RootMatcher:
        """Compile the rules and one automaton of their cores (and cores with a letter doubled)."""
        rules: list[_Compiled] = []
        cores: dict[str, list[int]] = {}
        for index, root in enumerate(roots):
            clean = re.compile(root.clean) if root.clean else None
            rules.append(_Compiled(root, re.compile(root.pattern), clean))
            for core in root.cores:
                for variant in _doubled(core):
                    cores.setdefault(variant, []).append(index)
        names = list(cores)
        automaton = (
            ahocorasick_rs.AhoCorasick(names, implementation=ahocorasick_rs.Implementation.DFA)
            if names
            else None
        )
        plain = tuple(dict.fromkeys(core for root in rules for core in root.root.cores))
        return cls(rules, [cores[name] for name in names], automaton, lemmas, plain)

    def scan(self, canonical: str) -> list[tuple[int, int, Root]]:
        """Tokens of a canonical text that hold a root, as (start, end, rule)."""
        if self.automaton is None:
            return []
        found = self.automaton.find_matches_as_indexes(canonical, overlapping=True)
        if not found:
            return []
        hits: list[tuple[int, int, Root]] = []
        covered = 0
        for _, start, end in sorted(found, key=lambda item: item[1]):
            if start < covered:
                continue  # in the token just read
            token_start = _token_start(canonical, start, covered)
            match = TOKEN.match(canonical, token_start)
            token_end = max(match.end() if match else end, end)
            covered = token_end
            root = self._token(canonical[token_start:token_end])
            if root is not None:
                hits.append((token_start, token_end, root))
        return hits

    def check(self, form: str) -> Root | None:
        """The worst rule one token's reading (a whole token, however read) matches."""
        if self.automaton is None:
            return None
        return self._token(form)

    def censored(self, form: str) -> Root | None:
        """A self-censored token (`на**й`, `з*ебали`) read with a rule's letters for its
        stars: each core laid over it where its letters agree, or one star as a vowel."""
        if self.automaton is None or form.count("*") > 3 or len(form) > _LONG_TOKEN:
            return None
        letters = sum(char.isalpha() for char in form)
        if letters < 2 or letters < form.count("*"):
            return None
        if form in self.censored_memo:
            return self.censored_memo[form]
        visible = set(form) - {"*"}
        readings: list[str] = []
        for core in self._cores:
            if len(core) > len(form) or visible.isdisjoint(core):
                continue
            for at in range(len(form) - len(core) + 1):
                window = form[at : at + len(core)]
                if "*" in window and all(a in ("*", b) for a, b in zip(window, core, strict=True)):
                    readings.append(form[:at] + core + form[at + len(core) :])
        if form.count("*") == 1:
            readings += [form.replace("*", vowel) for vowel in _VOWELS]
        worst: Root | None = None
        for reading in readings:
            if "*" in reading:
                continue
            found = self._judged(reading)
            if found is not None and (worst is None or _worse(found, worst)):
                worst = found
        if len(self.censored_memo) >= _MEMO:
            self.censored_memo.clear()
        self.censored_memo[form] = worst
        return worst

    def _token(self, token: str) -> Root | None:
        """A very long token (glued words, junk) is read in windows around each core."""
        if len(token) <= _LONG_TOKEN:
            return self._judged(token)
        assert self.automaton is not None
        worst: Root | None = None
        seen = 0
        for _, at, _ in self.automaton.find_matches_as_indexes(token, overlapping=True):
            if at < seen:
                continue
            seen = at + _WINDOW
            found = self._judged(token[max(0, at - _WINDOW) : at + _WINDOW])
            if found is not None and (worst is None or _worse(found, worst)):
                worst = found
        return worst

    def _judged(self, token: str) -> Root | None:
        """The worst rule the token matches, after exceptions and lemmas; remembered."""
        if token in self.memo:
            index = self.memo[token]
            return None if index is None else self.rules[index].root
        assert self.automaton is not None
        readings = _readings(token)
        candidates: set[int] = set()
        for reading in readings:
            for core, _, _ in self.automaton.find_matches_as_indexes(reading, overlapping=True):
                candidates.update(self.by_core[core])
        worst: int | None = None
        for index in sorted(candidates):
            rule = self.rules[index]
            if worst is not None and not _worse(rule.root, self.rules[worst].root):
                continue
            if self._matches(rule, readings) and not self._ordinary(rule, readings):
                worst = index
        if len(self.memo) >= _MEMO:
            self.memo.clear()
        self.memo[token] = worst
        return None if worst is None else self.rules[worst].root

    @staticmethod
    def _matches(rule: _Compiled, readings: Sequence[str]) -> bool:
        if not any(rule.pattern.search(reading) for reading in readings):
            return False
        clean = rule.clean
        return clean is None or not any(clean.search(reading) for reading in readings)

    def _ordinary(self, rule: _Compiled, readings: Sequence[str]) -> bool:
        """A dictionary word none of whose lemmas any rule matches (`страхуй`)."""
        if not rule.root.morph or self.lemmas is None:
            return False
        word = readings[0]
        if not word.isalpha() or not _CYRILLIC.search(word):
            return False
        lemmas = self.lemmas.of(word)
        if lemmas is None:
            return False
        return not any(
            self._matches(other, (lemma,))
            for lemma in lemmas
            for other in self.rules
            if other.root.morph
        )


def _worse(a: Root, b: Root) -> bool:
    return TIER_ORDER[a.tier] > TIER_ORDER[b.tier]


def _readings(token: str) -> list[str]:
    """The token, trimmed of edge symbols, and with its repeated letters written once."""
    trimmed = token.strip("@$+|€¢*#")
    readings = [trimmed or token]
    collapsed = _RUNS.sub(r"\1", readings[0])
    if collapsed != readings[0]:
        readings.append(collapsed)
    return readings


def _doubled(core: str) -> list[str]:
    """A core and, for short ones, its spellings with one letter doubled (`хууй`)."""
    variants = [core]
    if len(core) <= 5:
        variants += [core[: i + 1] + core[i:] for i in range(len(core))]
    return list(dict.fromkeys(variants))


def _token_start(canonical: str, position: int, floor: int) -> int:
    index = position
    while index > floor and is_token_char(canonical[index - 1]):
        index -= 1
    return index
