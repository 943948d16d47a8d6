"""What the audit log says: the before and after of a settings change, and which comment
an entry is about.

A settings row keeps, per changed field, `{"from": old, "to": new}` under
`details.changes`, so the log reads "premoderation: off → all" without a second
source. Secrets never enter it: a changed SSO or classifier secret is `{"changed":
true}`. A word list of thousands of entries is kept as what was added and removed (and
its whole before and after only while both are short), so a row stays small.
Rows written before this keep their own fields; the log returns `details` as stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any

from comments.models import Comment, CommentRow, SitePolicy

EXCERPT = 140
LIST_SHOWN = 50  # a list up to this long is kept whole, before and after
LIST_NAMED = 100  # at most this many added or removed entries are named
SECRET_FIELDS = frozenset({"classifier_secret"})
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class LoggedComment:
    """The comment an audit entry is about, as the log shows it."""

    id: str
    thread: str
    excerpt: str


def excerpt(html: str, limit: int = EXCERPT) -> str:
    """The first `limit` characters of a comment's text, as plain text (from its HTML)."""
    text = " ".join(unescape(_TAG.sub(" ", html)).split())
    return text[:limit]


def logged_comment(row: CommentRow) -> LoggedComment:
    """An entry's comment, from its stored row."""
    comment: Comment = row.comment
    return LoggedComment(comment.id, row.thread_key, excerpt(comment.html))


def list_change(before: Sequence[Any], after: Sequence[Any]) -> dict[str, Any]:
    """A list's change: what was added and removed, and the whole lists while short."""
    old, new = list(before), list(after)
    kept_old, kept_new = set(map(str, old)), set(map(str, new))
    added = [item for item in new if str(item) not in kept_old]
    removed = [item for item in old if str(item) not in kept_new]
    change: dict[str, Any] = {"added": added[:LIST_NAMED], "removed": removed[:LIST_NAMED]}
    if len(added) > LIST_NAMED or len(removed) > LIST_NAMED:
        change["added_count"], change["removed_count"] = len(added), len(removed)
    if len(old) <= LIST_SHOWN and len(new) <= LIST_SHOWN:
        change["from"], change["to"] = old, new
    return change


def field_change(name: str, before: Any, after: Any) -> dict[str, Any]:
    """One field's change as the log keeps it."""
    if name in SECRET_FIELDS:
        return {"changed": True}
    if isinstance(before, list | tuple) and isinstance(after, list | tuple):
        return list_change(before, after)
    return {"from": before, "to": after}


def policy_changes(before: SitePolicy, after: SitePolicy) -> dict[str, Any]:
    """Every policy field that differs, by name."""
    old: Mapping[str, Any] = before.model_dump(mode="json")
    new: Mapping[str, Any] = after.model_dump(mode="json")
    return {
        name: field_change(name, old.get(name), new[name])
        for name in new
        if old.get(name) != new[name]
    }
