"""Moderation in one run: accuracy on the labelled corpus, the pipeline's speed, hostile input.

1. Accuracy (`accuracy.py`): the held-out part of the corpus, then the development part;
   ours (the default `SitePolicy()`), glin-profanity 4.1, better-profanity 0.7 and
   python-obscene-words-filter 0.1.6, per class, per language and overall; then ours
   alone against its targets: at least 97% of lines right overall and in English and in
   Russian, every class at least 90%, no clean line held.
2. Speed, one thread, medians: what the service does per comment (find the listed words
   with `WordMatcher`, the default lists plus a site list of 100 or 10,000 made-up
   words, then run every moderation phase) on comments of 500 and of 10,000
   characters, English and Russian, cut from the development part's clean lines with
   about one sentence in ten from a profane class; beside better-profanity 0.7's
   `contains_profanity` (slow: fewer samples) and glin-profanity's `is_profane` on the
   same texts. The two site lists are timed interleaved, text by text, so a change in
   the machine's load moves both. Targets: at most 75 µs at 500 characters in each
   language and 2 ms at 10,000 (with the 10,000-word list), cost per character at
   10,000 within 1.3 times that at 500, the 10,000-word list within 1.1 times the
   100-word one.
3. Hostile input: 1,000 and 10,000 characters of one letter, invisible characters,
   combining marks, mixed scripts, emoji, right-to-left text, alternating Cyrillic and
   Latin, `*` runs and a few more, through the whole pipeline with the 10,000-word
   list: it must not fail, and 10 times the text should cost about 10 times as much.

The matcher remembers the words its root rules judged (a bounded memo, shared by every
comment as in the service), so the rounds after the first read familiar words, as a
busy site's comments do.

    .venv/bin/python bench/bench_moderation.py                   # all three, under a minute
    .venv/bin/python bench/bench_moderation.py speed hostile     # some of them
    .venv/bin/python bench/bench_moderation.py --old OLD/bin/python  # with better-profanity 0.6.1

For 0.6.1: `python -m venv OLD && OLD/bin/pip install better-profanity==0.6.1`; it runs in
that interpreter, on the same texts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import accuracy
from accuracy import met, table
from better_profanity import profanity
from glin_profanity import Filter  # type: ignore[import-untyped]

from comments.models import SitePolicy
from comments.moderation import Decision, Facts, ReasonCode, Submission, run_pipeline
from comments.moderation.roots import Lemmas
from comments.moderation.words import WordMatcher

PARTS = ("accuracy", "speed", "hostile")
POLICY = SitePolicy()
NOW = datetime(2026, 3, 14, tzinfo=UTC)
LANGUAGES = ("en", "ru")
LENGTHS = (500, 10_000)
SITE_LISTS = (100, 10_000)
PROFANE_SHARE = 0.1
# Samples: comments per length, and rounds over them.
OURS_SAMPLES = {500: (40, 15), 10_000: (10, 10)}
BETTER_SAMPLES = {500: (6, 1), 10_000: (2, 1)}
GLIN_SAMPLES = {500: (20, 1), 10_000: (4, 1)}
TARGET_US = {500: 75.0, 10_000: 2_000.0}
TARGET_PER_CHAR = 1.3
TARGET_LIST = 1.1
HOSTILE_LENGTHS = (1_000, 10_000)
HOSTILE_BUDGET_S = 0.25  # per case and length, after one call that sets the rounds
LINEAR = 13.0  # 10 times the text within 1.3 times 10 times the cost
# Hostile texts: a name, a start, and a unit repeated to the length.
HOSTILE: tuple[tuple[str, str, str], ...] = (
    ("one letter", "", "a"),
    ("one long word", "", "abcdefghijklmnopqrstuvwxyz"),
    ("invisible characters", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u2063"),
    ("combining marks on one letter", "a", "\u0301\u0300\u0308\u0327\u0336\u034f"),
    ("combining marks on words", "", "f\u0301\u0316u\u0308\u0317c\u0327k\u0336 "),
    ("mixed scripts", "", "word слово λέξη բառ كلمة 字 शब्द ქართ "),
    ("emoji", "", "😀👍🏽👨\u200d👩\u200d👧\u200d👦🇺🇦🔥"),
    ("right-to-left text", "", "שלום עולם مرحبا بالعالم "),
    ("right-to-left overrides", "", "\u202ekcuf olleh "),
    ("one override, then text", "\u202e", "olleh dlrow "),
    ("alternating Cyrillic/Latin", "", "aаoоeеcсpрxх"),
    ("alternating Cyrillic/Latin words", "", "aаoоeе "),
    ("'*' runs", "", "*"),
    ("'*' in words", "", "f**k a*s х*й "),
    ("spaced letters", "", "f u c k a b "),
    ("dotted letters", "", "s.h.i.t.a."),
    ("leet digits", "", "5h1t 4ss 1337 "),
    ("profane words", "", "fuck хуй shit блять "),
)
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

Check = Callable[[str], object]


def comments(lang: str, length: int, count: int, rng: random.Random) -> list[str]:
    """`count` comments of `length` characters in `lang`, about one sentence in ten profane."""
    lines = [line for line in accuracy.load(accuracy.DEVELOPMENT) if line.lang == lang]
    clean = [line.text for line in lines if line.kind in accuracy.CLEAN]
    profane = [line.text for line in lines if line.kind not in accuracy.CLEAN]
    made = []
    for _ in range(count):
        text = ""
        while len(text) < length:
            text += rng.choice(profane if rng.random() < PROFANE_SHARE else clean) + " "
        made.append(text[:length])
    return made


def site_list(size: int, rng: random.Random) -> list[str]:
    """Made-up words as a site's own list might hold, Latin and Cyrillic in turn, none
    of them a word of the corpus (a hit would change what is timed)."""
    alphabets = (("bcdfghjklmnprstvz", "aeiou"), ("бвгджзклмнпрстфхцчш", "аеиоуыэюя"))
    corpus = accuracy.load(accuracy.DEVELOPMENT)
    taken = {word for line in corpus for word in re.findall(r"\w+", line.text.lower())}
    words: list[str] = []
    while len(words) < size:
        consonants, vowels = alphabets[len(words) % 2]
        syllables = rng.randint(2, 4)
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def pipeline(matcher: WordMatcher) -> Callable[[str], Decision]:
    """What the service does per comment: find the listed words, then run every phase."""

    def check(body: str) -> Decision:
        hits = tuple(matcher.find(body))
        facts = Facts(POLICY, "bench:a", author_approved=10, now=NOW, word_hits=hits)
        return run_pipeline(Submission(body, link_count=0), facts)

    return check


def medians_us(checks: dict[str, Check], texts: Sequence[str], rounds: int) -> dict[str, float]:
    """Median µs of each check over every text, `rounds` times.

    The checks take turns on each text, each round starting from the next one, so none
    is always the first to read a text (the first is slower).
    """
    samples: dict[str, list[float]] = {name: [] for name in checks}
    order = list(checks.items())
    for round_ in range(rounds):
        turns = order[round_ % len(order) :] + order[: round_ % len(order)]
        for text in texts:
            for name, check in turns:
                start = time.perf_counter_ns()
                check(text)
                samples[name].append((time.perf_counter_ns() - start) / 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def old_median_us(python: str, texts: Sequence[str], rounds: int) -> float:
    """better-profanity's median in another interpreter (0.6.1, for instance)."""
    result = subprocess.run(
        [python, "-c", OLD_SCRIPT],
        input=json.dumps([list(texts), rounds]),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout)


def us(value: float) -> str:
    return f"{value:,.1f}" if value < 1_000 else f"{value:,.0f}"


def speed(old: str | None) -> None:
    """The pipeline with either site list beside better-profanity and glin, each text size."""
    rng = random.Random(2026)
    texts = {
        (lang, length): comments(lang, length, OURS_SAMPLES[length][0], rng)
        for lang in LANGUAGES
        for length in LENGTHS
    }
    words = site_list(max(SITE_LISTS), rng)
    lemmas = Lemmas()
    matchers: dict[int, WordMatcher] = {}
    for size in SITE_LISTS:
        start = time.perf_counter()
        matchers[size] = WordMatcher.build({"banned": words[:size]}, lemmas=lemmas)
        print(
            f"build, default lists + {size:,}-word site list: "
            f"{(time.perf_counter() - start) * 1000:.0f} ms"
        )
    checks: dict[str, Check] = {}
    for size, matcher in matchers.items():
        checks[f"pipeline {size}"] = pipeline(matcher)
        checks[f"find {size}"] = matcher.find
    glin = Filter(accuracy.GLIN_CONFIG)
    for text in texts["en", 500][:2] + texts["ru", 500][:2]:  # load dictionaries, warm up
        profanity.contains_profanity(text)
        glin.is_profane(text)
        for check in checks.values():
            check(text)

    ours: dict[tuple[str, int], dict[str, float]] = {}
    better: dict[tuple[str, int], float] = {}
    glins: dict[tuple[str, int], float] = {}
    olds: dict[tuple[str, int], float] = {}
    for key, made in texts.items():
        length = key[1]
        ours[key] = medians_us(checks, made, OURS_SAMPLES[length][1])
        count, rounds = BETTER_SAMPLES[length]
        better[key] = medians_us({"b": profanity.contains_profanity}, made[:count], rounds)["b"]
        count, rounds = GLIN_SAMPLES[length]
        glins[key] = medians_us({"g": glin.is_profane}, made[:count], rounds)["g"]
        if old:
            olds[key] = old_median_us(old, made, 3)

    print("\nMedian µs per comment; ours is the whole pipeline (find: the matcher alone).\n")
    header = ["comment", "characters"]
    header += [f"ours, {size:,}-word list" for size in SITE_LISTS]
    header += [f"find, {size:,}" for size in SITE_LISTS]
    header += ["better-profanity 0.7", "glin-profanity 4.1"]
    header += ["better-profanity 0.6.1"] if old else []
    rows = []
    for (lang, length), medians in ours.items():
        row = [lang, f"{length:,}"]
        row += [us(medians[f"pipeline {size}"]) for size in SITE_LISTS]
        row += [us(medians[f"find {size}"]) for size in SITE_LISTS]
        row += [us(better[lang, length]), us(glins[lang, length])]
        row += [us(olds[lang, length])] if old else []
        rows.append(row)
    print(table(header, rows))
    samples = ", ".join(
        f"{length:,}: {OURS_SAMPLES[length][0]} × {OURS_SAMPLES[length][1]} rounds "
        f"(better-profanity {BETTER_SAMPLES[length][0]}, glin {GLIN_SAMPLES[length][0]})"
        for length in LENGTHS
    )
    print(f"\nSamples per cell, comments × rounds: {samples}.")

    big = max(SITE_LISTS)
    print(f"\nRatios (ours: the whole pipeline with the {big:,}-word site list)\n")
    rows = []
    for lang, length in ours:
        mine = ours[lang, length][f"pipeline {big}"]
        row = [lang, f"{length:,}", f"{better[lang, length] / mine:,.0f}×"]
        row += [f"{glins[lang, length] / mine:,.1f}×"]
        row += [f"{olds[lang, length] / mine:,.1f}×"] if old else []
        rows.append(row)
    header = ["comment", "characters", "better-profanity 0.7 / ours", "glin / ours"]
    print(table(header + (["better-profanity 0.6.1 / ours"] * bool(old)), rows))
    if not old:
        print("\nbetter-profanity 0.6.1 not measured: pass --old with an interpreter that has it.")

    print("\nTargets\n")
    checks_met: list[tuple[str, str, bool]] = []
    for lang in LANGUAGES:
        for length in LENGTHS:
            got = ours[lang, length][f"pipeline {big}"]
            limit = TARGET_US[length]
            checks_met.append(
                (f"{lang}, {length:,} characters ≤ {us(limit)} µs", f"{us(got)} µs", got <= limit)
            )
    for lang in LANGUAGES:
        short, long = (ours[lang, length][f"pipeline {big}"] / length for length in LENGTHS)
        checks_met.append(
            (
                f"{lang}, µs per character at 10,000 / at 500 ≤ {TARGET_PER_CHAR}",
                f"{long / short:.2f}",
                long / short <= TARGET_PER_CHAR,
            )
        )
    for lang in LANGUAGES:
        for length in LENGTHS:
            medians = ours[lang, length]
            share = medians[f"pipeline {big}"] / medians[f"pipeline {min(SITE_LISTS)}"]
            checks_met.append(
                (
                    f"{lang}, {length:,} characters: {big:,}-word / {min(SITE_LISTS)}-word list "
                    f"≤ {TARGET_LIST}",
                    f"{share:.2f}",
                    share <= TARGET_LIST,
                )
            )
    print(table(["target", "measured", ""], ([a, b, met(c)] for a, b, c in checks_met), left=3))


def verdict(decision: Decision) -> str:
    """The action and the reasons that hold or reject; a filter that failed is marked."""
    codes = [reason.code for reason in decision.reasons if reason.action != "allow"]
    failed = " **a filter failed**" if ReasonCode.FILTER_ERROR in codes else ""
    return f"{decision.action}: {', '.join(codes)}{failed}" if codes else decision.action


def hostile_text(start: str, unit: str, length: int) -> str:
    """`start`, then `unit` over and over, `length` characters in all."""
    body = unit * (length // len(unit) + 1)
    return (start + body)[:length]


def hostile() -> None:
    """Each hostile text at both lengths through the pipeline; the ratio should be about 10."""
    words = site_list(max(SITE_LISTS), random.Random(2026))
    check = pipeline(WordMatcher.build({"banned": words}, lemmas=Lemmas()))
    check("warm up: слово word")
    rows = []
    for name, start, unit in HOSTILE:
        times: list[float] = []
        outcome = ""
        for length in HOSTILE_LENGTHS:
            text = hostile_text(start, unit, length)
            try:
                began = time.perf_counter()
                decision = check(text)
                first = time.perf_counter() - began
                rounds = max(3, min(30, int(HOSTILE_BUDGET_S / max(first, 1e-6))))
                times.append(medians_us({"c": check}, [text], rounds)["c"])
                outcome = verdict(decision)
            except Exception as error:  # a failure is what this looks for
                outcome = f"**failed at {length:,}: {type(error).__name__}**"
                break
        row = [name, outcome]
        if len(times) == len(HOSTILE_LENGTHS):
            grows = times[-1] / times[0]
            linear = "linear" if grows <= LINEAR else "**not linear**"
            row += [*(us(value) for value in times), f"{grows:.1f}", linear]
        else:
            row += ["—"] * (len(HOSTILE_LENGTHS) + 2)
        rows.append(row)
    header = ["input", f"action at {HOSTILE_LENGTHS[-1]:,}"]
    header += [f"{length:,} µs" for length in HOSTILE_LENGTHS]
    header += ["ratio", f"≤ {LINEAR:.0f}"]
    print(f"\nThe whole pipeline with the {max(SITE_LISTS):,}-word site list, median µs.\n")
    print(table(header, rows, left=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", help=f"some of {', '.join(PARTS)} (default: all)")
    parser.add_argument("--old", help="a Python interpreter with better-profanity 0.6.1")
    parser.add_argument(
        "--whole-list", action="store_true", help="accuracy: also ours with the whole list"
    )
    args = parser.parse_args()
    parts = args.parts or PARTS
    if unknown := set(parts) - set(PARTS):
        parser.error(f"no such part: {', '.join(sorted(unknown))}")
    began = time.perf_counter()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    if "accuracy" in parts:
        print("\n## Accuracy")
        accuracy.run(whole_list=args.whole_list)
    if "speed" in parts:
        print("\n## Speed")
        speed(args.old)
    if "hostile" in parts:
        print("\n## Hostile input")
        hostile()
    print(
        f"\nload average after: {os.getloadavg()[0]:.2f}; "
        f"{time.perf_counter() - began:.0f} s in all"
    )


if __name__ == "__main__":
    main()
