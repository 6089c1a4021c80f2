"""Automatic assignment of handoffs (LADDER_AUTO_ASSIGN, off by default): a conversation
waiting for people goes to an online agent with spare capacity, in turn (round robin: the
agent given one longest ago first). It is a claim made for the agent: status `agent`, the
"… joined the conversation." notice, and an `assignment` audit event besides the status change
(reason `auto_assigned`, actor `system`). Agents still claim by hand, past capacity if they
choose.

Who is online is the inbox's knowledge, so this module is asked: after the commit that puts a
conversation in the queue, or frees an agent's place, `assignment_signals.queue_moved` is sent
and the inbox answers with `do_auto_assign` for the agents it sees online.

Two assignments at once never fill an agent past capacity: each locks the candidates'
AgentCapacity rows (in agent order, so two never wait on each other) before counting their
open conversations; on SQLite the write lock taken at BEGIN serializes them anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import _locked, _next_message, _publish_message, _set_status, append_event
from .agent_actions import in_language
from .assignment_models import AgentCapacity
from .models import Conversation, Role, Status

ROUND_ROBIN = "round_robin"
AUTO_ASSIGNED = "auto_assigned"


def default_capacity() -> int:
    return int(settings.LADDER_AGENT_CAPACITY)


@dataclass(frozen=True)
class Assigned:
    """What an assignment attempt did: `agent` when it assigned; else why not (`reason`:
    `not_waiting` when the conversation needs nobody, `no_capacity` when every candidate is
    full)."""

    agent: Any = None
    reason: str = ""


def rotation(capacities: Sequence[AgentCapacity], loads: dict[int, int]) -> list[AgentCapacity]:
    """Candidates with spare capacity, next in turn first: never assigned, then assigned
    longest ago; then fewest open conversations; then by id."""
    spare = [
        row
        for row in capacities
        if loads.get(row.agent_id, 0)
        < (row.capacity if row.capacity is not None else default_capacity())
    ]
    return sorted(
        spare,
        key=lambda row: (
            row.last_assigned_at is not None,
            row.last_assigned_at or timezone.now(),
            loads.get(row.agent_id, 0),
            row.agent_id,
        ),
    )


def do_auto_assign(conversation_id: int, candidate_ids: Sequence[int]) -> Assigned:
    """Give a waiting conversation to the candidate next in turn with spare capacity."""
    if not candidate_ids:
        return Assigned(reason="no_capacity")
    AgentCapacity.objects.bulk_create(
        [AgentCapacity(agent_id=agent_id) for agent_id in candidate_ids], ignore_conflicts=True
    )
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != Status.WAITING:
            return Assigned(reason="not_waiting")
        # Locked before counting: a concurrent assignment counts after this one commits.
        capacities = list(
            AgentCapacity.objects.select_for_update()
            .filter(agent_id__in=candidate_ids)
            .order_by("agent_id")
        )
        loads = dict(
            Conversation.objects.filter(status=Status.AGENT, assigned_agent_id__in=candidate_ids)
            .values_list("assigned_agent_id")
            .annotate(open=Count("pk"))
            .order_by()
        )
        turn = rotation(capacities, loads)
        if not turn:
            return Assigned(reason="no_capacity")
        chosen = turn[0]
        agent = get_user_model().objects.get(pk=chosen.agent_id)
        Conversation.objects.filter(pk=conversation.pk, status=Status.WAITING).update(
            assigned_agent=agent
        )
        conversation.assigned_agent = agent
        append_event(
            conversation,
            "assignment",
            "system",
            {
                "agent": agent.get_username(),
                "rule": ROUND_ROBIN,
                "open_before": loads.get(agent.pk, 0),
                "capacity": chosen.capacity if chosen.capacity is not None else default_capacity(),
                "candidates": len(candidate_ids),
            },
        )
        _set_status(conversation, Status.AGENT, reason=AUTO_ASSIGNED, actor="system")
        message = _next_message(
            conversation,
            role=Role.SYSTEM,
            text=in_language(conversation, _("%(name)s joined the conversation."), agent),
        )
        _publish_message(conversation, message)
        AgentCapacity.objects.filter(pk=chosen.pk).update(last_assigned_at=timezone.now())
    return Assigned(agent=agent)


def waiting_unassigned(limit: int) -> list[int]:
    """Conversations waiting for people, longest waiting first."""
    return list(
        Conversation.objects.filter(status=Status.WAITING)
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)[:limit]
    )
