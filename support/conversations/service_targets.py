"""The first-response service target: how soon after a handoff a person should first reply
(LADDER_FIRST_RESPONSE_TARGET_MINUTES; 0 sets none), and where a conversation stands against it.

The clock runs from the handoff (`waiting_since`) to the first reply a person sends the
customer; internal notes and system notices do not stop it. The inbox flags a conversation
near the target (NEAR_SHARE of it gone) and past it; analytics counts how many first replies
met it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Conversation, Message, Role, Status

# A conversation is "near" the target once this share of it has gone.
NEAR_SHARE = 0.8

WITHIN = "within"
NEAR = "near"
PAST = "past"


def first_response_target() -> timedelta | None:
    """The target, or None when the setting turns it off."""
    minutes = float(settings.LADDER_FIRST_RESPONSE_TARGET_MINUTES)
    return timedelta(minutes=minutes) if minutes > 0 else None


def target_ms() -> int | None:
    target = first_response_target()
    return int(target.total_seconds() * 1000) if target is not None else None


@dataclass(frozen=True)
class FirstResponseClock:
    """Where a conversation still awaiting a person's first reply stands: `state` is within,
    near or past; `near_at` and `due_at` are when it becomes near and past."""

    state: str
    near_at: datetime
    due_at: datetime


def clock(waiting_since: datetime | None, now: datetime) -> FirstResponseClock | None:
    """The first-response clock of a conversation handed off at `waiting_since` (None with no
    target or no handoff)."""
    target = first_response_target()
    if target is None or waiting_since is None:
        return None
    near_at = waiting_since + target * NEAR_SHARE
    due_at = waiting_since + target
    state = PAST if now >= due_at else NEAR if now >= near_at else WITHIN
    return FirstResponseClock(state, near_at, due_at)


def with_first_reply_pending(conversations: QuerySet[Conversation]) -> QuerySet[Any]:
    """Annotates `first_reply_pending`: handed to people (waiting, or claimed) and no reply to
    the customer from a person since the handoff."""
    replied = Message.objects.filter(
        conversation=OuterRef("pk"),
        role=Role.AGENT,
        internal=False,
        created_at__gte=OuterRef("waiting_since"),
    )
    return conversations.annotate(
        first_reply_pending=Q(status__in=(Status.WAITING, Status.AGENT))
        & Q(waiting_since__isnull=False)
        & ~Exists(replied)
    )
