"""Compiled word lists, built once per list change and shared by every comment after.

Building a 10,000-word list takes a while, and long comments take a while to scan, so
both run in a worker thread rather than on the event loop.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

import anyio

from comments.models import SitePolicy
from comments.moderation.roots import Lemmas
from comments.moderation.words import WordHit, WordMatcher

CACHED = 32
LONG_TEXT = 2_000


def _key(policy: SitePolicy) -> str:
    lists = [
        policy.profanity_list,
        policy.profanity_languages,
        policy.banned_words,
        policy.suspect_words,
        policy.allowed_words,
    ]
    return hashlib.sha256(json.dumps(lists).encode()).hexdigest()


class WordLists:
    """Matchers by list contents; a policy change builds a new one, the old ones age out."""

    def __init__(self) -> None:
        self._built: OrderedDict[str, WordMatcher] = OrderedDict()
        self._lock = anyio.Lock()
        self._lemmas = Lemmas()  # one dictionary for every matcher of the process

    async def matcher(self, policy: SitePolicy) -> WordMatcher:
        """The matcher for these lists, built now if no comment needed it yet."""
        key = _key(policy)
        async with self._lock:
            found = self._built.get(key)
            if found is None:
                lists = {"banned": policy.banned_words, "suspect": policy.suspect_words}
                found = await anyio.to_thread.run_sync(
                    lambda: WordMatcher.build(
                        lists,
                        policy.allowed_words,
                        include_default=policy.profanity_list,
                        languages=policy.profanity_languages,
                        lemmas=self._lemmas,
                    )
                )
                self._built[key] = found
                while len(self._built) > CACHED:
                    self._built.popitem(last=False)
            else:
                self._built.move_to_end(key)
        return found

    async def find(self, policy: SitePolicy, text: str) -> list[WordHit]:
        """Listed words in `text`; long texts are scanned off the event loop."""
        matcher = await self.matcher(policy)
        if len(text) > LONG_TEXT:
            return await anyio.to_thread.run_sync(matcher.find, text)
        return matcher.find(text)
