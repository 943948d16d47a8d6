"""Rendering cost: markdown-it plus nh3 sanitising vs bare markdown-it (the baseline)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from markdown_it import MarkdownIt

from comments.render import Renderer

SENTENCE = (
    "Minsk keeps its **sovereignty** while courting Moscow; see https://news.example/a "
    "and [the analysis](https://news.example/b). "
)


def median_us(fn: Callable[[str], object], text: str, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        fn(text)
        samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def main() -> None:
    ours = Renderer()
    bare = MarkdownIt("js-default")
    print(f"{'length':>8} {'bare µs':>10} {'ours µs':>10} {'ratio':>7}")
    for length in (500, 10_000):
        text = (SENTENCE * (length // len(SENTENCE) + 1))[:length]
        rounds = 2000 if length == 500 else 200
        base = median_us(bare.render, text, rounds)
        mine = median_us(ours.render, text, rounds)
        print(f"{length:>8} {base:>10.1f} {mine:>10.1f} {mine / base:>7.2f}")


if __name__ == "__main__":
    main()
