"""The public JSON shapes of the contract, built from the service's views (cached as bytes)."""

from __future__ import annotations

from typing import Any

from comments.messages import shown
from comments.models import Language, User, iso
from comments.service.views import CommentPage, CommentView

__all__ = ["comment_json", "iso", "page_json", "user_json"]


def comment_json(view: CommentView, language: Language) -> dict[str, Any]:
    """A public comment; its author alone also gets `body` and the moderation reasons,
    in `language` (the request's: nothing else in a comment depends on it)."""
    comment, author = view.row.comment, view.row.author
    deleted = comment.status == "deleted"
    data: dict[str, Any] = {
        "id": comment.id,
        "thread": view.row.thread_key,
        "parent_id": comment.parent_id,
        "author": {
            "id": None if deleted else author.id,
            "name": "[deleted]" if deleted else author.name,
            "avatar_url": None if deleted else author.avatar_url,
            "badges": [] if deleted else list(author.badges),
        },
        "html": comment.html,
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "score": comment.score,
        "my_vote": view.row.my_vote,
        "status": comment.status,
        "reply_count": view.reply_count,
        "replies": [comment_json(reply, language) for reply in view.replies],
        "replies_next_cursor": view.replies_next_cursor,
        "can_edit": view.can_edit,
        "can_delete": view.can_delete,
        "featured": comment.featured,
    }
    if view.own and not deleted:
        data["body"] = comment.body
        data["moderation"] = {
            "reasons": [
                shown(r, language) for r in comment.reasons if r.get("action") != "allow"
            ]
        }
    return data


def page_json(page: CommentPage) -> dict[str, Any]:
    """A page of a thread as anonymous readers see it: the same bytes in every language
    (no reasons in it; a reader's own comments come in their `viewer` block)."""
    info = page.thread
    return {
        "thread": {
            "key": info.key,
            "url": info.url,
            "title": info.title,
            "closed": info.closed,
            "count": info.count,
            "last_event_id": info.last_event_id,
        },
        "comments": [comment_json(view, "en") for view in page.comments],
        "next_cursor": page.next_cursor,
    }


def user_json(user: User) -> dict[str, Any]:
    """A user as the user itself sees it."""
    return {"id": user.id, "name": user.name, "avatar_url": user.avatar_url}
