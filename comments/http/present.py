"""The public JSON shapes of the contract: built in the service (comments/service/public.py),
which caches the shared page bytes; re-exported here for the handlers."""

from __future__ import annotations

from comments.service.public import comment_json, iso, page_json, user_json

__all__ = ["comment_json", "iso", "page_json", "user_json"]
