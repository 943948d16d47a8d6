"""Plain data the layers hand each other: sites, users, threads, comments, sessions.

No I/O here. `SitePolicy` is validated (it comes from admins through the API and the
command line) and every field has a limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from comments.urls import https_or_loopback

Status = Literal["pending", "approved", "rejected", "deleted"]
Role = Literal["moderator", "admin"]
SessionKind = Literal["reader", "api", "dashboard"]
Sort = Literal["oldest", "newest", "top"]

MAX_BODY = 10_000
MAX_THREAD_KEY = 512
MAX_URL = 2048
MAX_TITLE = 300
MAX_NAME = 80
MAX_SITE_NAME = 64
MAX_ORIGINS = 50
MAX_LIST_WORDS = 10_000
WordAction = Literal["hold", "reject", "mask"]
Tier = Literal["mild", "strong", "slur"]
"""How bad a built-in word is: mild (hell, damn, crap), strong (obscenities), slur."""
TierAction = Literal["publish", "mask", "hold", "reject"]
Language = Literal["en", "ru", "uk", "be"]
LANGUAGES: tuple[Language, ...] = ("en", "ru", "uk", "be")
"""The languages the built-in word lists and reason messages come in."""

ProviderName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]{0,19}$")]
ListedWord = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Domain = Annotated[str, StringConstraints(
    strip_whitespace=True, to_lower=True, min_length=1, max_length=253,
    pattern=r"^[a-z0-9.-]+$",
)]  # fmt: skip


def iso(moment: datetime | None) -> str | None:
    """The one date format every answer and event uses: RFC 3339 in UTC with a Z."""
    return moment.isoformat().replace("+00:00", "Z") if moment else None


class SitePolicy(BaseModel):
    """A site's moderation and discussion rules, as admins set them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    premoderation: Literal["off", "new", "all"] = Field(
        "off", description="Hold comments for review: off, from new authors, or all"
    )
    new_author_comments: int = Field(
        3, ge=0, le=1000, description="An author is new until this many comments are approved"
    )
    login_providers: tuple[ProviderName, ...] = Field(
        (), max_length=50, description="Login providers offered on this site (empty: all enabled)"
    )
    link_imported_authors: bool = Field(
        False,
        description="A reader who logs in with a verified e-mail address takes over the "
        "comments imported under that address",
    )
    profanity_list: bool = Field(
        True, description="Match the built-in word lists (by language, below)"
    )
    profanity_languages: tuple[Language, ...] = Field(
        LANGUAGES, max_length=len(LANGUAGES), description="Languages whose built-in lists apply"
    )
    profanity_mild: TierAction = Field(
        "publish", description="Mild built-in words (hell, damn, crap): publish, mask, hold, reject"
    )
    profanity_strong: TierAction = Field(
        "hold", description="Strong built-in words (obscenities): publish, mask, hold, reject"
    )
    profanity_slur: TierAction = Field(
        "hold", description="Built-in slurs: publish, mask, hold, or reject"
    )
    banned_words: tuple[ListedWord, ...] = Field(
        (), max_length=MAX_LIST_WORDS, description="The site's own words and phrases to refuse"
    )
    banned_action: WordAction = Field("reject", description="For banned words")
    suspect_words: tuple[ListedWord, ...] = Field(
        (), max_length=MAX_LIST_WORDS, description="Words and phrases a moderator should see"
    )
    suspect_action: WordAction = Field("hold", description="For suspect words")
    allowed_words: tuple[ListedWord, ...] = Field(
        (), max_length=MAX_LIST_WORDS, description="Words and phrases never matched"
    )
    max_links: int = Field(3, ge=0, le=100, description="More links than this hold a comment")
    link_min_approved: int = Field(
        1, ge=0, le=1000, description="Links from authors with fewer published comments are held"
    )
    blocked_domains: tuple[Domain, ...] = Field(
        (), max_length=1000, description="Links to these domains (and subdomains) are rejected"
    )
    allowed_domains: tuple[Domain, ...] = Field(
        (), max_length=1000, description="When set, links elsewhere are held for review"
    )
    duplicate_window_seconds: int = Field(
        3600, ge=0, le=30 * 86400, description="Posting the same text again within it is held"
    )
    copy_paste_authors: int = Field(
        3, ge=2, le=1000, description="The same text from this many authors in the window is held"
    )
    shouting_ratio: float = Field(
        0.7, ge=0.5, le=1.0, description="Share of capital letters (of 20 or more) that is held"
    )
    max_char_run: int = Field(
        20, ge=5, le=10_000, description="A run of one character this long is held"
    )
    edit_window_seconds: int = Field(
        900, ge=0, le=7 * 24 * 3600, description="How long authors may edit their comments"
    )
    reply_depth: int = Field(3, ge=0, le=10, description="How deep replies nest when shown")
    rate_per_minute: int = Field(
        5, ge=0, le=1000, description="Comments a reader may post a minute (0: no limit)"
    )
    rate_per_hour: int = Field(
        30, ge=0, le=10_000, description="Comments a reader may post an hour (0: no limit)"
    )
    ip_rate_per_hour: int = Field(
        120, ge=0, le=100_000, description="Comments one address may post an hour (0: no limit)"
    )
    surge_per_minute: int = Field(
        20, ge=0, le=10_000, description="Comments a minute that put a thread in surge (0: off)"
    )
    surge_action: Literal["slow", "premoderate"] = Field(
        "slow", description="What a thread in surge does: slow mode, or hold every comment"
    )
    surge_slow_seconds: int = Field(
        60, ge=5, le=3600, description="Seconds between a reader's comments in surge slow mode"
    )
    surge_minutes: int = Field(
        10, ge=1, le=1440, description="How long a surge lasts after the rate falls"
    )
    classifier_url: str | None = Field(
        None, max_length=2048, description="An https endpoint that classifies each comment"
    )
    classifier_secret: str | None = Field(
        None, min_length=16, max_length=256, description="Signs requests to it (write-only)"
    )
    classifier_timeout_ms: int = Field(
        1500, ge=100, le=10_000, description="How long to wait for it; then the comment is held"
    )
    hide_after_reports: int = Field(
        5, ge=0, le=1000, description="Reports that hide a comment until reviewed (0: never)"
    )
    report_threshold: int = Field(
        1, ge=1, le=100, description="Reports from this many readers put a comment in the queue"
    )
    auto_close_days: int | None = Field(
        None, ge=1, le=3650, description="Close threads this many days after their first comment"
    )
    cdn_seconds: int = Field(
        0,
        ge=0,
        le=60,
        description="Seconds a shared cache (a CDN) may answer anonymous reads without asking "
        "(s-maxage); anonymous readers behind it may see a write that much later",
    )

    profanity_action: TierAction | None = Field(
        None,
        exclude=True,
        description="Deprecated: one action for every built-in word, sets all three tiers",
    )

    @model_validator(mode="after")
    def _one_action_for_every_tier(self) -> SitePolicy:
        """`profanity_action`, from before the tiers, sets all three (scripts still send it)."""
        action = self.profanity_action
        if action is None:
            return self
        for tier in ("profanity_mild", "profanity_strong", "profanity_slur"):
            if tier not in self.model_fields_set:
                object.__setattr__(self, tier, action)  # still being built: frozen after
        object.__setattr__(self, "profanity_action", None)
        return self

    @field_validator("classifier_url")
    @classmethod
    def _classifier_url(cls, value: str | None) -> str | None:
        return None if value is None else https_or_loopback(value)


@dataclass(frozen=True)
class Site:
    """A publisher: where it may be embedded and how it is moderated."""

    name: str
    origins: tuple[str, ...]
    policy: SitePolicy
    sso_secret: str | None
    created_at: datetime


IMPORTED = "import:"  # the id prefix of authors an import made; they never log in


def imported_user_id(source: str, who: str) -> str:
    """The id an import gives the author (or voter) `who` of the source format `source`."""
    return f"{IMPORTED}{source}:{who}"[:300]


@dataclass(frozen=True)
class User:
    """An identity from one login provider, keyed `provider:subject`."""

    id: str
    name: str
    avatar_url: str | None
    created_at: datetime
    email: str | None = None
    language: Language | None = None  # the reader's last negotiated language, None until known


@dataclass(frozen=True)
class Session:
    """A bearer token's record; the token itself is only ever stored hashed."""

    token_hash: str
    user_id: str
    site: str | None
    kind: SessionKind
    role: Role | None
    created_at: datetime
    expires_at: datetime
    revoked: bool = False


@dataclass(frozen=True)
class Thread:
    """The comments of one article."""

    id: str
    site: str
    key: str
    url: str
    title: str
    closed: bool
    created_at: datetime
    premoderation: str | None = None
    slow_mode_seconds: int | None = None
    surge_until: datetime | None = None


@dataclass(frozen=True)
class Reason:
    """Why the pipeline held or rejected a comment, for its author and moderators."""

    code: str
    message: str
    action: Literal["allow", "hold", "reject"]
    span: tuple[int, int] | None = None
    tier: Tier | None = None
    params: tuple[tuple[str, str | int], ...] = ()
    """What the message names (a host, a count), so it can be said again in another language."""

    def to_json(self) -> dict[str, object]:
        """The stored and public form; `message` is English, the reader's language is chosen
        when it is shown (`comments.messages`)."""
        data: dict[str, object] = {
            "code": self.code,
            "message": self.message,
            "action": self.action,
            "span": list(self.span) if self.span else None,
        }
        if self.tier is not None:
            data["tier"] = self.tier
        if self.params:
            data["params"] = dict(self.params)
        return data


@dataclass(frozen=True)
class Comment:
    """One comment as stored: source, rendered HTML and its moderation trail."""

    id: str
    site: str
    thread_id: str
    parent_id: str | None
    root_id: str
    depth: int
    author_id: str
    body: str
    html: str
    status: Status
    reasons: tuple[dict[str, object], ...]
    score: int
    report_count: int
    created_at: datetime
    edited_at: datetime | None
    shadowed: bool = False
    reviewed_reports: int = 0
    decided_by: str | None = None
    decided_at: datetime | None = None
    featured_at: datetime | None = None
    featured_by: str | None = None
    notify: bool = False  # the author asked to be told of replies
    source_id: str | None = None  # `<format>:<id>` of an imported comment

    @property
    def featured(self) -> bool:
        """Pinned by staff and still published: a comment hidden since is not shown pinned."""
        return self.featured_at is not None and self.status == "approved"


@dataclass(frozen=True)
class AuthorView:
    """The public face of a comment's author."""

    id: str
    name: str
    avatar_url: str | None
    badges: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommentRow:
    """A comment joined with what listing needs: author, thread key, viewer's vote."""

    comment: Comment
    author: AuthorView
    thread_key: str
    my_vote: int = 0


@dataclass(frozen=True)
class Ban:
    """A user barred from writing on a site, until a time or for good; shadow bans hide."""

    site: str
    user_id: str
    until: datetime | None
    shadow: bool
    reason: str
    created_by: str
    created_at: datetime

    def active(self, now: datetime) -> bool:
        """Whether the ban holds at `now` (suspensions end by themselves)."""
        return self.until is None or self.until > now


@dataclass(frozen=True)
class AuditEntry:
    """Who decided what, when and why; `actor_id` None is the automatic pipeline."""

    id: str
    site: str
    actor_id: str | None
    action: str
    created_at: datetime
    comment_id: str | None = None
    user_id: str | None = None
    reason: str | None = None
    details: dict[str, object] | None = None


@dataclass(frozen=True)
class AuthorStats:
    """An author's record on a site, for moderators."""

    approved: int
    rejected: int
    first_seen: datetime | None
