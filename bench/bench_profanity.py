"""Profanity checks: the whole moderation pipeline with our matcher vs better-profanity.

One run, the same comments, side by side: what the service does per comment (find the
listed words with `WordMatcher`, the default list plus a site list of 100 or 10,000
words, then run every moderation phase) against better-profanity's own
`contains_profanity`, on comments of 500 and of 10,000 characters cut from the labelled
corpus (clean English news comments, one sentence in ten profane or an evasion).
better-profanity is slow, so it gets fewer samples; medians throughout.

The installed better-profanity is 0.7.0. To compare with 0.6.1 as well, install it in a
throwaway virtual environment and pass that environment's interpreter:

    python -m venv OLD && OLD/bin/pip install better-profanity==0.6.1
    python bench/bench_profanity.py --old OLD/bin/python

Targets: at most 100 µs median per 500-character comment on one core, at least 500
times faster than 0.7.0 and faster than 0.6.1, cost linear in the text, and the
10,000-word site list within 2 times the 100-word one.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from better_profanity import profanity

from comments.models import SitePolicy
from comments.moderation import Facts, Submission, run_pipeline
from comments.moderation.words import WordMatcher

CORPUS = Path(__file__).parent.parent / "tests" / "data" / "profanity_corpus.jsonl"
POLICY = SitePolicy()
NOW = datetime(2026, 3, 14, tzinfo=UTC)
OLD_SCRIPT = """
import json, statistics, sys, time
from better_profanity import profanity
profanity.load_censor_words()
comments, rounds = json.load(sys.stdin)
samples = []
for text in comments:
    for _ in range(rounds):
        start = time.perf_counter_ns()
        profanity.contains_profanity(text)
        samples.append((time.perf_counter_ns() - start) / 1000)
print(statistics.median(samples))
"""


def comments(length: int, count: int, rng: random.Random) -> list[str]:
    """`count` comments of `length` characters, nine clean sentences in ten."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    clean = [row["text"] for row in rows if row["class"] == "clean_en"]
    profane = [row["text"] for row in rows if row["profane"]]
    made = []
    for _ in range(count):
        text = ""
        while len(text) < length:
            text += rng.choice(profane if rng.random() < 0.1 else clean) + " "
        made.append(text[:length])
    return made


def site_list(size: int, rng: random.Random) -> list[str]:
    """Made-up words, as a site's own list might be: the first `size` of a fixed sequence."""
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"
    words: list[str] = []
    while len(words) < size:
        syllables = rng.randint(2, 4)
        words.append("".join(rng.choice(letters) + rng.choice(vowels) for _ in range(syllables)))
    return words


def pipeline(matcher: WordMatcher) -> Callable[[str], object]:
    """What the service does per comment: find the listed words, then run every phase."""

    def check(body: str) -> object:
        hits = tuple(matcher.find(body))
        facts = Facts(POLICY, "bench:a", author_approved=10, now=NOW, word_hits=hits)
        return run_pipeline(Submission(body, link_count=0), facts)

    return check


def median_us(check: Callable[[str], object], texts: list[str], rounds: int) -> float:
    """Median microseconds of one check over every text, `rounds` times each."""
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter_ns()
            check(text)
            samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def old_median_us(python: str, texts: list[str], rounds: int) -> float:
    """The same measurement for better-profanity in another interpreter."""
    result = subprocess.run(
        [python, "-c", OLD_SCRIPT],
        input=json.dumps([texts, rounds]),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="a Python interpreter with better-profanity 0.6.1")
    args = parser.parse_args()
    rng = random.Random(2026)
    texts = {500: comments(500, 40, rng), 10_000: comments(10_000, 8, rng)}
    rounds = {500: 25, 10_000: 5}
    words = site_list(10_000, rng)
    start = time.perf_counter()
    matchers = {size: WordMatcher.build({"banned": words[:size]}) for size in (100, 10_000)}
    print(f"build, default + 10,000-word site list: {(time.perf_counter() - start) * 1000:.0f} ms")
    profanity.contains_profanity("warm up")

    ours: dict[tuple[int, int], float] = {}
    alone: dict[tuple[int, int], float] = {}
    print(f"\n{'comment':>8} {'site list':>10} {'pipeline µs':>12} {'find µs':>9}")
    for length in texts:
        for size, matcher in matchers.items():
            ours[length, size] = median_us(pipeline(matcher), texts[length], rounds[length])
            alone[length, size] = median_us(matcher.find, texts[length], rounds[length])
            print(f"{length:>8} {size:>10} {ours[length, size]:>12.1f} {alone[length, size]:>9.1f}")

    base = {
        500: median_us(profanity.contains_profanity, texts[500][:6], 1),
        10_000: median_us(profanity.contains_profanity, texts[10_000][:2], 1),
    }
    old = {}
    if args.old:
        old = {length: old_median_us(args.old, texts[length], 3) for length in texts}
    print(f"\n{'comment':>8} {'0.7.0 µs':>12} {'0.6.1 µs':>10} {'ours µs':>9}")
    for length in texts:
        old_text = f"{old[length]:>10.1f}" if old else f"{'—':>10}"
        print(f"{length:>8} {base[length]:>12.1f} {old_text} {ours[length, 10_000]:>9.1f}")

    print("\nratios (ours: the whole pipeline with the 10,000-word site list)")
    for length in texts:
        mine = ours[length, 10_000]
        print(f"  0.7.0 / ours at {length:>6} characters: {base[length] / mine:>9.0f}x  (≥ 500)")
        if old:
            print(f"  0.6.1 / ours at {length:>6} characters: {old[length] / mine:>9.1f}x  (> 1)")
    if not old:
        print("  0.6.1 not measured: pass --old with an interpreter that has it")
    for length in texts:
        ratio = ours[length, 10_000] / ours[length, 100]
        print(f"  10,000-word / 100-word list at {length:>6} characters: {ratio:.2f}  (≤ 2)")
    per_char = (ours[10_000, 10_000] / 10_000) / (ours[500, 10_000] / 500)
    print(f"  cost per character, 10,000 / 500 characters: {per_char:.2f}  (about 1: linear)")


if __name__ == "__main__":
    main()
