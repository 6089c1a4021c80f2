"""Automatic assignment as the inbox runs it: the agents online now are the candidates (see
support.conversations.assignment for the rotation and the capacity guard). It runs after a
commit that queues a conversation or frees an agent's place, when an agent comes online, and
as a housekeeping chore for whatever those missed."""

from __future__ import annotations

import logging
from typing import Any

from support.conversations.agent_actions import is_agent
from support.conversations.assignment import do_auto_assign, waiting_unassigned
from support.conversations.assignment_signals import auto_assign_on, queue_moved

from .presence import online_agents

logger = logging.getLogger("ladder.inbox")

# Conversations assigned per round at most, so one round stays short.
ASSIGN_PER_ROUND = 50


def online_candidates() -> list[int]:
    return [agent.pk for agent in online_agents() if is_agent(agent)]


def assign_waiting(conversation_ids: list[int] | None = None) -> int:
    """Assign waiting conversations (these, or the longest waiting) to online agents while any
    has spare capacity; returns how many were assigned."""
    if not auto_assign_on():
        return 0
    candidates = online_candidates()
    if not candidates:
        return 0
    assigned = 0
    for conversation_id in conversation_ids or waiting_unassigned(ASSIGN_PER_ROUND):
        outcome = do_auto_assign(conversation_id, candidates)
        if outcome.agent is not None:
            assigned += 1
        elif outcome.reason == "no_capacity":
            break
    return assigned


def assign_quietly(conversation_id: int | None = None) -> None:
    """assign_waiting for a conversation (or the queue) where a failure must not spread: the
    conversation stays in the queue for a claim or the next round."""
    try:
        assign_waiting([conversation_id] if conversation_id is not None else None)
    except Exception:
        logger.exception("automatic assignment failed")


def _queue_moved(sender: Any, conversation_id: int | None = None, **kwargs: Any) -> None:
    assign_quietly(conversation_id)


def assign_waiting_chore() -> None:
    assigned = assign_waiting()
    if assigned:
        logger.info("assigned %s waiting conversation(s)", assigned)


def connect() -> None:
    queue_moved.connect(_queue_moved, dispatch_uid="inbox-auto-assign")
