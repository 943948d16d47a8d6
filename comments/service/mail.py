"""Composing e-mails: plain text and HTML, in the recipient's language, with one-click
unsubscribe (RFC 8058) and a link to what the mail is about.

Everything a reader wrote (names, titles, comment text) goes into the HTML escaped and
into headers stripped of control characters, so no text can add a header or markup.
Addresses are checked with `comments.mail_address.plain_address` before they get here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from urllib.parse import quote, urlsplit

from comments.messages import plural_form
from comments.models import Language
from comments.service.mail_words import WORDS

MAIL_KIND = "mail.send"
EXCERPT = 400
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass(frozen=True)
class MailConfig:
    """How to reach the relay, and how often one person may be mailed."""

    host: str | None = None
    port: int = 587
    username: str | None = None
    password: str | None = None
    tls: str = "starttls"
    sender: str = "comments@localhost"
    interval: timedelta = timedelta(minutes=10)
    timeout: float = 30.0

    @property
    def enabled(self) -> bool:
        """Whether mail is sent at all (a relay is set)."""
        return self.host is not None


@dataclass(frozen=True)
class Item:
    """One thing a mail tells: a line, an optional quote and reason, and its link."""

    line: str
    link: str
    link_label: str
    quote: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Letter:
    """A mail before it becomes a message."""

    to: str
    language: Language
    subject: str
    items: list[Item]
    why: str
    unsubscribe_url: str | None = None
    intro: list[str] = field(default_factory=list)


def words(language: Language, key: str, **values: object) -> str:
    """One phrase filled in; a plural phrase takes its form from `count`."""
    said = WORDS[language][key]
    if isinstance(said, tuple):
        count = values.get("count", 0)
        said = plural_form(said, count if isinstance(count, int) else 0)
    return said.format(**{k: one_line(str(v)) for k, v in values.items()})


def one_line(text: str, most: int = 200) -> str:
    """Text fit for a header or a line: control characters become spaces, bounded."""
    flat = _CONTROL.sub(" ", text).strip()
    return flat if len(flat) <= most else flat[: most - 1].rstrip() + "…"


def excerpt(body: str) -> str:
    """The start of a comment's source, for the quote."""
    text = body.strip()
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def comment_link(thread_url: str, comment_id: str) -> str:
    """The comment's permalink on the article page."""
    return f"{thread_url.split('#', 1)[0]}#comment-{comment_id}"


def message_id(mail_id: str, public_url: str) -> str:
    """`<id@host>`: the same on every attempt, so a receiver can drop a repeat."""
    host = urlsplit(public_url).hostname or "localhost"
    return f"<{mail_id}@{host}>"


def _text(letter: Letter) -> str:
    parts: list[str] = list(letter.intro)
    for item in letter.items:
        chunk = [item.line]
        if item.quote:
            chunk += ["> " + line for line in item.quote.splitlines() or [""]]
        if item.reason:
            chunk.append(item.reason)
        chunk.append(f"{item.link_label}: {item.link}")
        parts.append("\n".join(chunk))
    footer = ["-- ", letter.why]
    if letter.unsubscribe_url:
        footer.append(f"{words(letter.language, 'unsubscribe')}: {letter.unsubscribe_url}")
    parts.append("\n".join(footer))
    return "\n\n".join(parts) + "\n"


def _html(letter: Letter) -> str:
    esc = html.escape
    out = [
        f'<!doctype html><html lang="{letter.language}"><head><meta charset="utf-8">'
        f"<title>{esc(letter.subject)}</title></head>"
        '<body style="font-family:sans-serif;line-height:1.5;max-width:40em">'
    ]
    out += [f"<p>{esc(line)}</p>" for line in letter.intro]
    for item in letter.items:
        out.append(f"<p>{esc(item.line)}</p>")
        if item.quote:
            quoted = "<br>".join(esc(line) for line in item.quote.splitlines())
            out.append(
                '<blockquote style="border-left:3px solid #ccc;margin:0 0 0 .5em;'
                f'padding-left:.75em;color:#333">{quoted}</blockquote>'
            )
        if item.reason:
            out.append(f"<p>{esc(item.reason)}</p>")
        out.append(f'<p><a href="{esc(item.link)}">{esc(item.link_label)}</a></p>')
    out.append(f'<hr><p style="color:#555;font-size:90%">{esc(letter.why)}')
    if letter.unsubscribe_url:
        label = esc(words(letter.language, "unsubscribe"))
        out.append(f'<br><a href="{esc(letter.unsubscribe_url)}">{label}</a>')
    out.append("</p></body></html>")
    return "".join(out)


def compose(letter: Letter, *, sender: str, mail_id: str, public_url: str, now: datetime) -> str:
    """The whole message, as the relay will get it."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = letter.to
    message["Subject"] = one_line(letter.subject, 150)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(mail_id, public_url)
    message["Auto-Submitted"] = "auto-generated"
    if letter.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{letter.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_text(letter))
    message.add_alternative(_html(letter), subtype="html")
    message["Content-Language"] = letter.language  # after the body: set_content drops Content-*
    return message.as_string()


def link(public_url: str, path: str, token: str) -> str:
    """An absolute link to one of the service's mail pages."""
    return f"{public_url}{path}?t={quote(token, safe='')}"
