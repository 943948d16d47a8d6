"""profanity tiers: one action per tier instead of one for the whole built-in list

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:00:00

Before this revision a site had `profanity_action` (hold, reject or mask) for every word
of the built-in list, and the list was English only. A site keeps what it had: its
action becomes the action of each tier (`profanity_mild`, `profanity_strong`,
`profanity_slur`), so a site that held "damn" still does. New sites publish mild words.
The built-in Russian, Ukrainian and Belarusian lists apply to every site
(`profanity_languages`); a site that wants English alone sets it.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_TIERS = ("profanity_mild", "profanity_strong", "profanity_slur")
_sites = sa.table("sites", sa.column("name", sa.String), sa.column("policy", sa.JSON))


def _policy(value: Any) -> dict[str, Any]:
    return dict(json.loads(value) if isinstance(value, str) else value or {})


def upgrade() -> None:
    connection = op.get_bind()
    for name, stored in connection.execute(sa.select(_sites.c.name, _sites.c.policy)).all():
        policy = _policy(stored)
        action = policy.pop("profanity_action", "hold")
        for tier in _TIERS:
            policy.setdefault(tier, action)
        connection.execute(
            _sites.update().where(_sites.c.name == name).values(policy=policy)
        )


def downgrade() -> None:
    connection = op.get_bind()
    order = {"publish": 0, "mask": 1, "hold": 2, "reject": 3}
    for name, stored in connection.execute(sa.select(_sites.c.name, _sites.c.policy)).all():
        policy = _policy(stored)
        actions = [policy.pop(tier, "hold") for tier in _TIERS]
        policy.pop("profanity_languages", None)
        strictest = max(actions, key=order.__getitem__)
        policy["profanity_action"] = "hold" if strictest == "publish" else strictest
        connection.execute(
            _sites.update().where(_sites.c.name == name).values(policy=policy)
        )
