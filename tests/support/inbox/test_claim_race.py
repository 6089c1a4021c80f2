"""Two agents click Claim at the same moment: exactly one gets the conversation, every time,
and the other is told who has it (PostgreSQL, two connections racing)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from support.conversations import agent_actions
from support.conversations.actions import ActionRefused
from support.conversations.models import AuditEvent, Conversation

from .inbox import waiting_conversation

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 50


def race(conversation_id: int, agents: list) -> dict[str, str]:
    start = threading.Barrier(len(agents))
    outcomes: dict[str, str] = {}

    def claim(agent) -> None:
        try:
            start.wait()
            agent_actions.do_claim_conversation(conversation_id, agent)
            outcomes[agent.username] = "won"
        except ActionRefused as refused:
            outcomes[agent.username] = refused.detail
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_agents_racing_to_claim_exactly_one_wins_every_time(dana, eli):
    if connection.vendor != "postgresql":
        pytest.skip("the claim race runs on PostgreSQL (set DATABASE_URL)")
    names = {"dana": "Dana", "eli": "Eli"}
    for attempt in range(ATTEMPTS):
        conversation = waiting_conversation(f"Race {attempt}: a person, please")
        outcomes = race(conversation.pk, [dana, eli])
        winners = [name for name, outcome in outcomes.items() if outcome == "won"]
        assert len(winners) == 1, (attempt, outcomes)
        (loser,) = set(names) - set(winners)
        assert outcomes[loser] == f"{names[winners[0]]} has already taken this conversation."
        conversation.refresh_from_db()
        assert conversation.assigned_agent.username == winners[0]
        # One claim in the story of the conversation, and one "joined" notice to the customer.
        claims = AuditEvent.objects.filter(
            conversation=conversation, kind="status.changed", data__reason="claimed"
        )
        assert claims.count() == 1
        assert conversation.messages.filter(text__endswith="joined the conversation.").count() == 1


def test_claims_are_serialised_on_sqlite_too(dana, eli):
    # SQLite takes the write lock at BEGIN IMMEDIATE: the same promise, fewer tries.
    if connection.vendor != "sqlite":
        pytest.skip("covered by the PostgreSQL race above")
    for attempt in range(5):
        conversation = waiting_conversation(f"Race {attempt}")
        outcomes = race(conversation.pk, [dana, eli])
        assert sorted(o == "won" for o in outcomes.values()) == [False, True], outcomes
        assert Conversation.objects.get(pk=conversation.pk).assigned_agent is not None
