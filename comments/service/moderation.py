"""The moderators' use cases under one name, for transport.

Each job lives in its own module — queues (`queue`), decisions and claims
(`decisions`), featured comments (`featuring`), bans (`bans`), threads, settings,
roles, the log and the dry run (`admin`), the statistics (`stats`), the role check
(`staff`) — and this class only hands out their methods, so a request still goes down
one call.
"""

from __future__ import annotations

from comments.service.admin import Admin
from comments.service.bans import Bans
from comments.service.context import Deps
from comments.service.decisions import Decisions
from comments.service.effects import channel
from comments.service.featuring import Featuring
from comments.service.queue import Queues, queue_item_json
from comments.service.screening import Screening
from comments.service.sessions import Sessions
from comments.service.sites import Sites
from comments.service.staff import Staff
from comments.service.stats import Statistics

__all__ = ["Moderation", "channel", "queue_item_json"]


class Moderation:
    """What moderators and admins do."""

    def __init__(self, deps: Deps, sites: Sites, sessions: Sessions, screening: Screening) -> None:
        self.staff = Staff(deps, sites, sessions)
        self.queues = Queues(deps, self.staff)
        self.decisions = Decisions(deps, self.staff)
        self.bans_ = Bans(deps, self.staff)
        self.admin = Admin(deps, self.staff, sites, screening)
        self.require = self.staff.require
        self.queue = self.queues.queue
        self.items = self.queues.items
        self.decide = self.decisions.decide
        self.bulk = self.decisions.bulk
        self.claim = self.decisions.claim
        self.featuring = Featuring(deps, self.staff)
        self.feature = self.featuring.feature
        self.unfeature = self.featuring.unfeature
        self.ban = self.bans_.ban
        self.unban = self.bans_.unban
        self.bans = self.bans_.bans
        self.banned = self.bans_.banned
        self.set_thread_closed = self.admin.set_thread_closed
        self.thread_options = self.admin.thread_options
        self.log = self.admin.log
        self.update_settings = self.admin.update_settings
        self.roles = self.admin.roles
        self.set_roles = self.admin.set_roles
        self.check = self.admin.check
        self.allow_word = self.admin.allow_word
        self.statistics = Statistics(deps, self.staff)
        self.stats = self.statistics.stats
