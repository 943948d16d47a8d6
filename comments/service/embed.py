"""The embed fragment: a thread's first page as HTML a publisher's server puts in the article.

Readers without JavaScript, and search engines, see the comments; the widget finds the
fragment in its mount element and takes it over without a request, from the page JSON
the fragment carries. The fragment is made from exactly the bytes an anonymous JSON read
gets (same page, same size), so the two cannot disagree, and it is cached beside them
under the thread's versions: the writes that change the page change the fragment.

Everything in it is escaped text except each comment's `html`, which the service
rendered and sanitised when the comment was written. The page JSON sits in a
`<script type="application/json">`, with `<`, `>`, `&` and the two JavaScript line
separators written as `\\uXXXX`, so no text in it can end the script element.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from comments.markup import script_safe
from comments.messages import negotiate, plural_form
from comments.models import Language, Site, Sort
from comments.pages import Entry
from comments.service.context import Deps
from comments.service.reading import Answer, PageQuery, Reading
from comments.service.sites import Sites

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Words:
    """What the fragment says in one language."""

    comments: tuple[str, ...]  # "{n} comments": one, few, many (English: one, other)
    closed: str
    deleted_author: str
    deleted: str
    months: tuple[str, ...]  # in the form a date takes ("3 March", "3 марта")


WORDS: Mapping[Language, Words] = {
    "en": Words(
        ("{n} comment", "{n} comments"),
        "Comments are closed on this article.",
        "Deleted comment",
        "This comment was deleted.",
        ("January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December"),
    ),
    "ru": Words(
        ("{n} комментарий", "{n} комментария", "{n} комментариев"),
        "Комментарии к этой статье закрыты.",
        "Удалённый комментарий",
        "Этот комментарий удалён.",
        ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
         "сентября", "октября", "ноября", "декабря"),
    ),
    "uk": Words(
        ("{n} коментар", "{n} коментарі", "{n} коментарів"),
        "Коментарі до цієї статті закрито.",
        "Видалений коментар",
        "Цей коментар видалено.",
        ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
         "вересня", "жовтня", "листопада", "грудня"),
    ),
    "be": Words(
        ("{n} каментарый", "{n} каментарыі", "{n} каментарыяў"),
        "Каментарыі да гэтага артыкула закрытыя.",
        "Выдалены каментарый",
        "Гэты каментарый выдалены.",
        ("студзеня", "лютага", "сакавіка", "красавіка", "траўня", "чэрвеня", "ліпеня",
         "жніўня", "верасня", "кастрычніка", "лістапада", "снежня"),
    ),
}  # fmt: skip

def count_text(count: int, words: Words) -> str:
    """The "{n} comments" heading in the form that goes with `count`."""
    return plural_form(words.comments, count).format(n=count)


def human_date(value: str, words: Words) -> str:
    """An RFC 3339 time as a reader's date ("3 March 2026"), in UTC; the text itself when
    it is no time."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{moment.day} {words.months[moment.month - 1]} {moment.year}"


def _attr(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _link(thread_url: object, comment_id: str) -> str:
    """The comment's permalink on the article; a bare anchor for a URL that is no web page."""
    anchor = f"#comment-{comment_id}"
    if isinstance(thread_url, str) and thread_url.startswith(("https://", "http://")):
        return thread_url.split("#", 1)[0] + anchor
    return anchor


def _comment(data: Mapping[str, Any], thread_url: object, words: Words, out: list[str]) -> None:
    comment_id = str(data.get("id", ""))
    deleted = data.get("status") == "deleted"
    author = data.get("author") or {}
    name = words.deleted_author if deleted else str(author.get("name") or "")
    created = str(data.get("created_at") or "")
    classes = "comments-embed-comment"
    if deleted:
        classes += " comments-embed-deleted"
    if data.get("featured"):
        classes += " comments-embed-featured"
    body = f"<p>{escape(words.deleted)}</p>" if deleted else str(data.get("html") or "")
    out.append(
        f'<li class="{classes}" id="comment-{_attr(comment_id)}" '
        f'data-comment-id="{_attr(comment_id)}" itemprop="comment" itemscope '
        'itemtype="https://schema.org/Comment">'
        "<article><header>"
        f'<span class="comments-embed-author" itemprop="author">{escape(name)}</span> '
        f'<a class="comments-embed-link" href="{_attr(_link(thread_url, comment_id))}">'
        f'<time datetime="{_attr(created)}" itemprop="dateCreated">'
        f"{escape(human_date(created, words))}</time></a>"
        "</header>"
        f'<div class="comments-embed-body" itemprop="text">{body}</div>'
        "</article>"
    )
    replies = data.get("replies") or []
    if replies:
        out.append('<ol class="comments-embed-replies">')
        for reply in replies:
            _comment(reply, thread_url, words, out)
        out.append("</ol>")
    out.append("</li>")


def fragment_html(site: str, sort: Sort, language: Language, plain: bytes) -> str:
    """The fragment for one anonymous page (its JSON bytes, as the API sends them)."""
    page: dict[str, Any] = json.loads(plain)
    thread = page.get("thread") or {}
    words = WORDS[language]
    count = int(thread.get("count") or 0)
    url, title = thread.get("url"), thread.get("title")
    out = [
        f'<section class="comments-embed" data-comments-embed data-site="{_attr(site)}" '
        f'data-thread="{_attr(thread.get("key"))}" data-sort="{_attr(sort)}" '
        f'data-lang="{language}" lang="{language}" data-count="{count}" '
        f'data-last-event-id="{_attr(thread.get("last_event_id"))}" '
        'itemscope itemtype="https://schema.org/DiscussionForumPosting">'
    ]
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        out.append(f'<meta itemprop="url" content="{_attr(url)}">')
    if title:
        out.append(f'<meta itemprop="headline" content="{_attr(title)}">')
    out.append(f'<meta itemprop="commentCount" content="{count}">')
    out.append(f'<h2 class="comments-embed-title">{escape(count_text(count, words))}</h2>')
    if thread.get("closed"):
        out.append(f'<p class="comments-embed-closed">{escape(words.closed)}</p>')
    out.append('<ol class="comments-embed-list">')
    for comment in page.get("comments") or []:
        _comment(comment, url, words, out)
    out.append("</ol>")
    page_json = script_safe(plain.decode("utf-8"))
    out.append(f'<script type="application/json" data-comments-page>{page_json}</script>')
    out.append("</section>")
    return "".join(out)


def embed_language(lang: str | None) -> Language:
    """The fragment's language for a `lang` value (`ru`, `uk-UA`); English for the rest."""
    return negotiate(lang) if lang else "en"


class Embeds:
    """Thread fragments for publishers' servers and templates."""

    def __init__(self, deps: Deps, sites: Sites, reading: Reading) -> None:
        self._deps = deps
        self._sites = sites
        self._reading = reading

    async def answer(self, site: Site, thread: str, sort: Sort, language: Language) -> Answer:
        """The fragment as a cached public answer (ETag, gzip), beside the thread's pages."""
        query = PageQuery(thread=thread, sort=sort)

        async def compute() -> Entry:
            page = await self._reading.shared(site, query)
            html = fragment_html(site.name, sort, language, page.plain).encode("utf-8")
            return Entry.of(html, until=page.until, cdn=site.policy.cdn_seconds)

        return await self._reading.derived(site, thread, f"embed|{sort}|{language}", compute)

    async def fragment(
        self, site_name: str, thread: str, sort: Sort = "oldest", language: Language = "en"
    ) -> str:
        """The fragment as text, for a template in this process (the demo's article)."""
        site = await self._sites.get(site_name)
        return (await self.answer(site, thread, sort, language)).plain.decode("utf-8")
