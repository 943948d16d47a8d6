"""Precision and recall per corpus class: our matcher next to plain better-profanity.

Three columns, one run, the same labelled lines (`tests/data/profanity_corpus.jsonl`):
- ours: `WordMatcher.build({})`, the default list without everyday news words;
- ours, whole list: the same matcher with better-profanity's list uncut, which separates
  what the matcher does from what the list choice does;
- better-profanity: its own global `profanity.contains_profanity` (here only, never in
  the app).

A class holds only clean lines or only profane ones, so per class the precision is 1.00
or 0.00 wherever anything was flagged; the "all" row gives the corpus-wide figures.

    python bench/corpus_report.py
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from better_profanity import profanity

from comments.moderation.words import WordMatcher

CORPUS = Path(__file__).parent.parent / "tests" / "data" / "profanity_corpus.jsonl"


def figures(rows: list[dict[str, object]], flags: Callable[[str], bool]) -> str:
    """`flagged/lines precision recall` for these rows."""
    true_pos = false_pos = false_neg = 0
    for row in rows:
        hit = flags(str(row["text"]))
        if row["profane"]:
            true_pos += hit
            false_neg += not hit
        else:
            false_pos += hit
    flagged = true_pos + false_pos
    precision = f"{true_pos / flagged:.2f}" if flagged else "—"
    recall = f"{true_pos / (true_pos + false_neg):.2f}" if true_pos + false_neg else "—"
    return f"{flagged:>3}/{len(rows):<3} P {precision:>4} R {recall:>4}"


def main() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    ours = WordMatcher.build({})
    whole = WordMatcher.build({}, news_vocabulary=True)
    matchers: list[tuple[str, Callable[[str], bool]]] = [
        ("ours", lambda text: bool(ours.find(text))),
        ("ours, whole list", lambda text: bool(whole.find(text))),
        ("better-profanity", profanity.contains_profanity),
    ]
    classes = list(dict.fromkeys(str(row["class"]) for row in rows))
    print(f"{'class':<14}" + "".join(f" | {name:<25}" for name, _ in matchers))
    for name in [*classes, "all"]:
        subset = rows if name == "all" else [row for row in rows if row["class"] == name]
        print(f"{name:<14}" + "".join(f" | {figures(subset, flags):<25}" for _, flags in matchers))


if __name__ == "__main__":
    main()
