"""Accuracy on the labelled corpus: our default policy beside three other filters, in one run.

The corpus (`tests/data/`) comes in two parts: `moderation_heldout.jsonl`, written before
the rules it judges and never used to tune them, and `moderation_corpus.jsonl`, the
development part the rules are tuned on. Each line has a language (en, ru, uk, be), a
class and a tier; a line should be held when its tier is strong or slur, published when
none or mild. Only figures are printed, never a line's text.

The columns, each asked whether it would hold the line:

- ours: `WordMatcher` built as the service builds it for the default `SitePolicy()`
  (every language, the Russian dictionary), holding when any hit's `word_action` is
  hold or reject: strong words and slurs are held, mild ones published;
- glin-profanity 4.1: `Filter` with English and Russian (it has no Ukrainian or
  Belarusian), leetspeak on (its `moderate` level), its defaults otherwise: Unicode
  normalisation, the `standard` obfuscation pipeline (separators, masks, stretched
  letters, HTML entities, its whitelist), whole words. Of the settings tried on the
  development part this one was best; substring matching (`allow_obfuscated_match`)
  held 556 of its 746 lines to publish. It has no tiers: whatever it flags is held;
- better-profanity 0.7: `profanity.contains_profanity` with its own list; no tiers;
- python-obscene-words-filter 0.1.6: its default filter's bad-word matches less its
  good words (Russian obscenities only).

    .venv/bin/python bench/accuracy.py               # both parts
    .venv/bin/python bench/accuracy.py --whole-list  # also ours with better-profanity's whole list

`--whole-list` adds ours with the built-in list uncut (`news_vocabulary=True`), which
separates what the matcher does from what the choice of words does.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from better_profanity import profanity
from glin_profanity import Filter  # type: ignore[import-untyped]

from comments.models import SitePolicy
from comments.moderation.phases import word_action
from comments.moderation.roots import Lemmas
from comments.moderation.words import WordMatcher

DATA = Path(__file__).parent.parent / "tests" / "data"
HELD_OUT = DATA / "moderation_heldout.jsonl"
DEVELOPMENT = DATA / "moderation_corpus.jsonl"
CLEAN = ("news", "reader", "trap")
PROFANE = (
    *("mild", "plain", "inflected", "compound", "phonetic", "symbols", "spaced"),
    *("repeated", "leet", "censored", "homoglyph", "letterlike", "invisible"),
)
HELD_TIERS = frozenset({"strong", "slur"})
HOLDING = frozenset({"hold", "reject"})
LANGUAGE_GROUPS: dict[str, tuple[str, ...]] = {"en": ("en",), "ru": ("ru",), "uk+be": ("uk", "be")}
GLIN_CONFIG = {"languages": ["english", "russian"], "detect_leetspeak": True}

# The targets for ours: lines right overall and in English and Russian, per class, and
# no clean line held.
TARGET_RIGHT = 0.97
TARGET_LANGUAGES = ("en", "ru")
TARGET_CLASS = 0.90

Holds = Callable[[str], bool]
"""Whether a filter would hold this text."""


@dataclass(frozen=True, slots=True)
class Line:
    """One labelled line of the corpus."""

    text: str
    lang: str
    kind: str
    tier: str

    @property
    def to_hold(self) -> bool:
        """Strong words and slurs are held; mild ones and clean lines published."""
        return self.tier in HELD_TIERS


@dataclass(slots=True)
class Score:
    """How one filter did on some lines."""

    lines: int = 0
    to_hold: int = 0
    held: int = 0
    held_right: int = 0  # held, and should be

    def add(self, line: Line, held: bool) -> None:
        self.lines += 1
        self.to_hold += line.to_hold
        self.held += held
        self.held_right += held and line.to_hold

    @property
    def false_holds(self) -> int:
        return self.held - self.held_right

    @property
    def right(self) -> int:
        missed = self.to_hold - self.held_right
        return self.lines - missed - self.false_holds

    @property
    def share_right(self) -> float:
        return self.right / self.lines if self.lines else 0.0

    @property
    def recall(self) -> float | None:
        return self.held_right / self.to_hold if self.to_hold else None

    @property
    def precision(self) -> float | None:
        return self.held_right / self.held if self.held else None


@dataclass(slots=True)
class Result:
    """One filter's scores on one part: by class, by language group, overall."""

    by_class: dict[str, Score]
    by_language: dict[str, Score]
    overall: Score
    seconds: float


def load(path: Path) -> list[Line]:
    """The labelled lines of one part."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Line(row["text"], row["lang"], row["class"], row["tier"]) for row in rows]


def ours(policy: SitePolicy | None = None, *, whole_list: bool = False) -> Holds:
    """The service's matcher for `policy`, holding on any hit whose action holds or rejects."""
    site = policy or SitePolicy()
    matcher = WordMatcher.build(
        {"banned": site.banned_words, "suspect": site.suspect_words},
        site.allowed_words,
        include_default=site.profanity_list,
        news_vocabulary=whole_list,
        languages=site.profanity_languages,
        lemmas=Lemmas(),
    )

    def holds(text: str) -> bool:
        return any(word_action(hit, site) in HOLDING for hit in matcher.find(text))

    return holds


def glin() -> Holds:
    """glin-profanity as configured above: whatever it flags is held."""
    checker = Filter(GLIN_CONFIG)

    def holds(text: str) -> bool:
        return bool(checker.is_profane(text))

    return holds


def better() -> Holds:
    """better-profanity with its own word list."""
    profanity.load_censor_words()

    def holds(text: str) -> bool:
        return bool(profanity.contains_profanity(text))

    return holds


def obscene() -> Holds:
    """python-obscene-words-filter: any bad-word match that is not a good word."""
    from obscene_words_filter.default import get_default_filter  # type: ignore[import-untyped]

    checker = get_default_filter()

    def holds(text: str) -> bool:
        return next(iter(checker.find_bad_word_matches_without_good_words(text)), None) is not None

    return holds


def filters(*, whole_list: bool = False) -> dict[str, Holds]:
    """Every column, ours first."""
    made = {"ours": ours()}
    if whole_list:
        made["ours, whole list"] = ours(whole_list=True)
    return made | {
        "glin-profanity 4.1": glin(),
        "better-profanity 0.7": better(),
        "obscene-words-filter 0.1.6": obscene(),
    }


def language_group(lang: str) -> str:
    return next(name for name, members in LANGUAGE_GROUPS.items() if lang in members)


def classes(lines: Iterable[Line]) -> list[str]:
    """The classes present, clean ones first, in the order of `CLEAN` and `PROFANE`."""
    present = {line.kind for line in lines}
    known = [name for name in (*CLEAN, *PROFANE) if name in present]
    return known + sorted(present - set(known))


def score(lines: Sequence[Line], holds: Holds) -> Result:
    """Ask the filter about every line."""
    by_class = {name: Score() for name in classes(lines)}
    by_language = {name: Score() for name in LANGUAGE_GROUPS}
    overall = Score()
    start = time.perf_counter()
    for line in lines:
        held = holds(line.text)
        for tally in (by_class[line.kind], by_language[language_group(line.lang)], overall):
            tally.add(line, held)
    return Result(by_class, by_language, overall, time.perf_counter() - start)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def cell(tally: Score) -> str:
    """Lines right, then recall where some lines should be held, else the lines held."""
    detail = f"R {ratio(tally.recall)}" if tally.to_hold else f"{tally.false_holds} held"
    return f"{percent(tally.share_right)} ({detail})"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], left: int = 1) -> str:
    """A markdown table: the first `left` columns (the names) left-aligned, the rest right."""
    rule = "|" + "---|" * left + "---:|" * (len(header) - left)
    lines = ["| " + " | ".join(header) + " |", rule]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(part: str, lines: Sequence[Line], results: dict[str, Result]) -> str:
    """The three tables of one part: by class, by language, overall."""
    names = list(results)
    first = results[names[0]]
    out = [f"### {part}: {len(lines)} lines\n"]
    out.append(
        "Per class: lines right %, then recall of the lines to hold (R) or, where every "
        "line should be published, how many were held.\n"
    )
    out.append(
        table(
            ["class", "lines", *names],
            (
                [name, str(first.by_class[name].lines)]
                + [cell(results[column].by_class[name]) for column in names]
                for name in first.by_class
            ),
        )
    )
    out.append("\nPer language: lines right %.\n")
    out.append(
        table(
            ["language", "lines", *names],
            (
                [name, str(first.by_language[name].lines)]
                + [percent(results[column].by_language[name].share_right) for column in names]
                for name in LANGUAGE_GROUPS
            ),
        )
    )
    out.append('\nOverall, of "held".\n')
    out.append(
        table(
            ["filter", "lines right %", "held", "false holds", "precision", "recall", "seconds"],
            (
                [
                    column,
                    percent(result.overall.share_right),
                    str(result.overall.held),
                    str(result.overall.false_holds),
                    ratio(result.overall.precision),
                    ratio(result.overall.recall),
                    f"{result.seconds:.1f}",
                ]
                for column, result in results.items()
            ),
        )
    )
    return "\n".join(out)


def met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def targets(part: str, result: Result) -> str:
    """Ours alone, per class and against the targets."""
    rows = []
    for name, tally in result.by_class.items():
        kind = "clean" if name in CLEAN else "profane"
        detail = f"R {ratio(tally.recall)}" if tally.to_hold else f"{tally.false_holds} held"
        ok = tally.share_right >= TARGET_CLASS and not (name in CLEAN and tally.held)
        share = percent(tally.share_right)
        rows.append([name, kind, str(tally.lines), str(tally.right), share, detail, met(ok)])
    out = [f"### ours, {part}\n"]
    header = ["class", "kind", "lines", "right", "%", "recall or held", "≥ 90%, clean: 0 held"]
    out.append(table(header, rows, left=2))
    clean_held = sum(result.by_class[name].held for name in CLEAN if name in result.by_class)
    worst = min(result.by_class, key=lambda name: result.by_class[name].share_right)
    below = [n for n, t in result.by_class.items() if t.share_right < TARGET_CLASS]
    checks = [
        (
            "lines right overall ≥ 97%",
            percent(result.overall.share_right),
            result.overall.share_right >= TARGET_RIGHT,
        ),
        *(
            (
                f"lines right, {lang} ≥ 97%",
                percent(result.by_language[lang].share_right),
                result.by_language[lang].share_right >= TARGET_RIGHT,
            )
            for lang in TARGET_LANGUAGES
        ),
        (
            "every class ≥ 90%",
            f"lowest {worst} {percent(result.by_class[worst].share_right)}"
            + (f"; below: {', '.join(below)}" if below else ""),
            not below,
        ),
        ("no clean line held", f"{clean_held} held", clean_held == 0),
    ]
    out.append("")
    out.append(
        table(
            ["target", "measured", ""], ([what, got, met(ok)] for what, got, ok in checks), left=3
        )
    )
    uk_be = result.by_language["uk+be"]
    out.append(f"\nuk+be (no target): {percent(uk_be.share_right)}% of {uk_be.lines} lines right.")
    return "\n".join(out)


def run(*, whole_list: bool = False) -> None:
    """Both parts, held-out first, every filter; then ours against the targets."""
    columns = filters(whole_list=whole_list)
    print("glin-profanity: Filter(" + json.dumps(GLIN_CONFIG) + ")")
    ours_results: dict[str, Result] = {}
    for part, path in (("held-out", HELD_OUT), ("development", DEVELOPMENT)):
        lines = load(path)
        results = {name: score(lines, holds) for name, holds in columns.items()}
        ours_results[part] = results["ours"]
        print()
        print(report(part, lines, results))
    for part, result in ours_results.items():
        print()
        print(targets(part, result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--whole-list", action="store_true", help="also ours with better-profanity's whole list"
    )
    run(whole_list=parser.parse_args().whole_list)


if __name__ == "__main__":
    main()
