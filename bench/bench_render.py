"""Rendering cost: ours (markdown-it-pyrs, markdown-it-py where they may differ, nh3) beside
the markdown-it-py renderer it replaced and bare markdown-it-py, in the same run.

The columns, median µs per comment:

- bare: markdown-it-py `js-default`, no linkify, no sanitising (the floor of the old way);
- before: markdown-it-py `js-default` with linkify, then the same nh3 Cleaner (the
  renderer this one replaced);
- ours: `comments.render.Renderer`, as the app calls it;
- fast way: ours on text that goes through markdown-it-pyrs;
- slow way: ours on text that goes through markdown-it-py (a bare domain in it).

Each text is rendered by both before timing and the HTML compared: the two must agree.

    .venv/bin/python bench/bench_render.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt

from comments.render import ALLOWED_SCHEMES, ALLOWED_TAGS, LINK_REL, Renderer, _keep_attribute

SENTENCE = (
    "Minsk keeps its **sovereignty** while courting Moscow; see https://news.example/a "
    "and [the analysis](https://news.example/b). "
)
# A comment as bench_post.py posts it: a quote, emphasis, a list, a link.
COMMENT = (
    "> The treaty agreement changes little, says the article (comment 7).\n\n"
    "I disagree. The **treaty** clause matters more than the piece admits: it moves "
    "the decision from the ministries to a joint council that meets twice a year, "
    "and nobody outside it reads the minutes. Three things to watch:\n\n"
    "- who chairs the council in 2028,\n"
    "- whether the customs rules are published before they apply,\n"
    "- and what happens to the *existing* bilateral deals.\n\n"
    "The full text is at https://news.example/docs/treaty-7 for anyone curious."
)
PLAIN = (
    "The council's decision to close the library on Sundays is short-sighted, and the "
    "e-book service does not replace a quiet room. "
)


class Before:
    """The renderer this one replaced: markdown-it-py with linkify, then nh3."""

    def __init__(self) -> None:
        self._md = MarkdownIt("js-default", {"linkify": True}).disable(
            ["heading", "lheading", "image", "table"]
        )
        self._md.enable("linkify")
        self._cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags={"script", "style"},
            attributes={"a": {"href"}},
            attribute_filter=_keep_attribute,
            link_rel=LINK_REL,
            url_schemes=set(ALLOWED_SCHEMES),
            url_relative="deny",
        )

    def render(self, source: str) -> str:
        return self._cleaner.clean(self._md.render(source)).strip()


def median_us(fn: Callable[[str], object], text: str, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        fn(text)
        samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def texts() -> list[tuple[str, str]]:
    """(label, text): the mixed sentences at two lengths, a post's comment, plain prose."""
    mixed = [(SENTENCE * (n // len(SENTENCE) + 1)).strip() for n in (500, 10_000)]
    return [
        (f"mixed, {len(mixed[0])}", mixed[0]),
        (f"mixed, {len(mixed[1]):,}", mixed[1]),
        (f"a post, {len(COMMENT)}", COMMENT),
        ("plain, 500", (PLAIN * 5)[:500]),
        ("bare domain, 500", (PLAIN * 5)[:480] + " see bbc.co.uk"),
    ]


def main() -> None:
    ours, before, bare = Renderer(), Before(), MarkdownIt("js-default")
    header = ["text, characters", "bare", "before", "ours", "before/ours", "way"]
    print(f"{header[0]:<20}" + "".join(f"{h:>12}" for h in header[1:]))
    for label, text in texts():
        if ours.render(text) != before.render(text):
            raise SystemExit(f"{label}: the HTML differs from the renderer it replaced")
        way = "fast" if ours._expected_anchors(text) is not None else "slow"
        rounds = 200 if len(text) > 5000 else 2000
        figures = [median_us(f, text, rounds) for f in (bare.render, before.render, ours.render)]
        print(
            f"{label:<20}"
            + "".join(f"{us:>12.1f}" for us in figures)
            + f"{figures[1] / figures[2]:>12.1f}{way:>12}"
        )


if __name__ == "__main__":
    main()
