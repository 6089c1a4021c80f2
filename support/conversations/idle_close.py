"""The idle-close rule: a conversation the AI answered and the customer left for
LADDER_AI_IDLE_CLOSE_MINUTES is resolved by the system, so that the AI's resolutions are counted
and the customer is asked for a rating. Run by `close_idle_conversations` and the housekeeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .closing import conversations_idle_with_ai, do_close_idle_conversation


def idle_close_minutes() -> int:
    """Minutes of silence before the system closes an AI conversation (0: never)."""
    return settings.LADDER_AI_IDLE_CLOSE_MINUTES


def idle_conversation_ids(idle_minutes: int, limit: int | None = None) -> list[int]:
    """The conversations the rule would close now, longest idle first."""
    idle_since = timezone.now() - timedelta(minutes=idle_minutes)
    ids = conversations_idle_with_ai(idle_since).order_by(F("last_message_at").asc(), "pk")
    return list(
        ids.values_list("pk", flat=True)[:limit] if limit else ids.values_list("pk", flat=True)
    )


def close_idle_conversations(
    idle_minutes: int,
    *,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Close the conversations idle for `idle_minutes` or more (at most `limit`); returns how
    many were closed. One that changed meanwhile (the customer wrote) is left open."""
    ids = idle_conversation_ids(idle_minutes, limit)
    closed = 0
    for number, conversation_id in enumerate(ids, 1):
        idle_since = timezone.now() - timedelta(minutes=idle_minutes)
        closed += do_close_idle_conversation(conversation_id, idle_since=idle_since)
        if progress is not None:
            progress(number, len(ids))
    return closed
