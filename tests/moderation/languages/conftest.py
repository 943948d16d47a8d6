"""Each language module on its own: a matcher built with that language alone."""

from __future__ import annotations

from comments.models import Language, SitePolicy
from comments.moderation.phases import word_action
from comments.moderation.words import WordMatcher


def matcher_for(code: Language) -> WordMatcher:
    """The built-in lists of one language, as a site choosing only it gets them."""
    return WordMatcher.build({}, languages=(code,))


def tiers(matcher: WordMatcher, text: str) -> set[str]:
    """The tiers of the built-in hits in `text`."""
    return {hit.tier for hit in matcher.find(text) if hit.tier is not None}


def held(matcher: WordMatcher, text: str) -> bool:
    """Whether the default policy holds `text` for its words."""
    policy = SitePolicy()
    return any(word_action(hit, policy) in ("hold", "reject") for hit in matcher.find(text))
