"""Comment markdown becomes safe HTML: what survives, what never does."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from comments.render import ALLOWED_TAGS, Renderer


@pytest.fixture(scope="module")
def render() -> Renderer:
    return Renderer()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**bold** _it_ `code`", "<p><strong>bold</strong> <em>it</em> <code>code</code></p>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        (
            "[paper](https://news.example/a?b=1&c=2)",
            '<p><a href="https://news.example/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
            "paper</a></p>",
        ),
        (
            "see https://example.org",
            '<p>see <a href="https://example.org" rel="nofollow ugc noopener">'
            "https://example.org</a></p>",
        ),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ],
)
def test_markdown_renders_to_the_allowed_subset(
    render: Renderer, source: str, expected: str
) -> None:
    assert render.render(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](/relative/path)",
        "[x](//evil.example/path)",
        "<a href='https://x' onclick='alert(1)'>x</a>",
        "![img](https://tracker.example/pixel.png)",
        "<img src=x onerror=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
        "<p style='position:fixed' class='x' id='y' title='t'>styled</p>",
        "<iframe src='https://evil.example'></iframe>",
        "# Heading that would shout",
    ],
)
def test_dangerous_or_disallowed_markup_never_survives(render: Renderer, source: str) -> None:
    html = render.render(source)
    seen = _Elements()
    seen.feed(html)
    assert seen.tags <= ALLOWED_TAGS, html
    for tag, name, value in seen.attributes:
        assert (tag, name) in {("a", "href"), ("a", "rel")}, html
        if name == "href":
            assert value.startswith(("https://", "http://", "mailto:")), html


class _Elements(HTMLParser):
    """Every tag and attribute in a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def test_links_are_counted_for_the_link_rules(render: Renderer) -> None:
    assert render.count_links("[a](https://a.example) https://b.example and text") == 2
