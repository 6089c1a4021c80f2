"""Automatic assignment (LADDER_AUTO_ASSIGN): off by default; when on, a new handoff goes to an
online agent with spare capacity, agents take turns, a full or offline agent gets none, a freed
place or an agent coming online takes the longest waiting, and it is audited like a claim."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from support.conversations import agent_actions
from support.conversations.assignment import do_auto_assign
from support.conversations.models import AgentCapacity, AuditEvent, Conversation, Status
from support.inbox import presence
from support.inbox.assignment import assign_waiting

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto_assign(settings, django_capture_on_commit_callbacks):
    """Automatic assignment on, with what runs after each commit run at once."""
    settings.LADDER_AUTO_ASSIGN = True
    settings.LADDER_AGENT_CAPACITY = 3

    def handoff(text: str = "A person, please.") -> Conversation:
        with django_capture_on_commit_callbacks(execute=True):
            conversation = waiting_conversation(text)
        return Conversation.objects.select_related("assigned_agent").get(pk=conversation.pk)

    return handoff


def online(*agents) -> None:
    for agent in agents:
        presence.socket_opened(agent.pk)


def test_automatic_assignment_is_off_by_default(settings, dana, django_capture_on_commit_callbacks):
    assert settings.LADDER_AUTO_ASSIGN is False
    online(dana)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = waiting_conversation()
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent) == (Status.WAITING, None)


def test_a_new_handoff_goes_to_the_online_agent_and_is_audited_like_a_claim(auto_assign, dana):
    online(dana)
    conversation = auto_assign()
    assert (conversation.status, conversation.assigned_agent) == (Status.AGENT, dana)
    # The customer is told who joined, as after a claim.
    notice = conversation.messages.order_by("-seq").first()
    assert notice.text == "Dana joined the conversation."
    assignment = AuditEvent.objects.get(conversation=conversation, kind="assignment")
    assert (assignment.actor, assignment.data) == (
        "system",
        {"agent": "dana", "rule": "round_robin", "open_before": 0, "capacity": 3, "candidates": 1},
    )
    change = AuditEvent.objects.filter(conversation=conversation, kind="status.changed").last()
    assert (change.actor, change.data) == (
        "system",
        {"from": "waiting", "to": "agent", "reason": "auto_assigned"},
    )


def test_the_agent_reads_in_the_transcript_that_it_was_assigned_automatically(
    auto_assign, dana, client
):
    online(dana)
    conversation = auto_assign()
    client.force_login(dana)
    html = client.get(f"/inbox/c/{conversation.public_id}/").content.decode()
    assert "Assigned automatically to dana (in turn; 0 of 3 open before) · by system" in html
    assert "Status waiting → agent: assigned automatically · by system" in html


def test_online_agents_take_turns(auto_assign, dana, eli):
    online(dana, eli)
    owners = [auto_assign(f"Question {n}").assigned_agent.username for n in range(4)]
    assert owners == ["dana", "eli", "dana", "eli"]


def test_offline_agents_are_given_nothing(auto_assign, dana, eli):
    online(dana)
    owners = {auto_assign(f"Question {n}").assigned_agent.username for n in range(2)}
    assert owners == {"dana"}


def test_a_full_agent_is_skipped_and_the_last_handoff_waits(auto_assign, dana, eli, settings):
    settings.LADDER_AGENT_CAPACITY = 1
    # Eli's own capacity, set in the admin, comes before the setting.
    AgentCapacity.objects.create(agent=eli, capacity=2)
    online(dana, eli)
    owners = [auto_assign(f"Question {n}").assigned_agent for n in range(4)]
    assert [o.username if o else None for o in owners] == ["dana", "eli", "eli", None]
    waiting = Conversation.objects.get(status=Status.WAITING)
    # Manual claims go on, past capacity if the agent chooses.
    agent_actions.do_claim_conversation(waiting.pk, dana)
    assert Conversation.objects.filter(assigned_agent=dana, status=Status.AGENT).count() == 2


def test_a_freed_place_takes_the_longest_waiting(
    auto_assign, dana, settings, django_capture_on_commit_callbacks
):
    settings.LADDER_AGENT_CAPACITY = 1
    online(dana)
    first = auto_assign("First")
    second = auto_assign("Second")
    assert second.status == Status.WAITING
    with django_capture_on_commit_callbacks(execute=True):
        agent_actions.do_resolve_conversation(first.pk, dana)
    second.refresh_from_db()
    assert (second.status, second.assigned_agent) == (Status.AGENT, dana)


def test_an_agent_coming_online_takes_conversations_left_waiting(auto_assign, dana):
    waiting = [auto_assign(f"Question {n}") for n in range(2)]
    assert {c.status for c in waiting} == {Status.WAITING}
    online(dana)
    assert assign_waiting() == 2
    assert Conversation.objects.filter(assigned_agent=dana, status=Status.AGENT).count() == 2


def test_conversations_an_agent_claimed_count_against_their_capacity(auto_assign, dana, settings):
    settings.LADDER_AGENT_CAPACITY = 1
    claimed_conversation(dana)
    online(dana)
    assert auto_assign().status == Status.WAITING


def race(conversation_ids: list[int], agent_ids: list[int]) -> list[str]:
    start = threading.Barrier(len(conversation_ids))
    outcomes: list[str] = []

    def assign(conversation_id: int) -> None:
        try:
            start.wait()
            outcome = do_auto_assign(conversation_id, agent_ids)
            outcomes.append("assigned" if outcome.agent is not None else outcome.reason)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(c,)) for c in conversation_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_handoffs_at_once_never_fill_an_agent_past_capacity(dana, settings):
    settings.LADDER_AGENT_CAPACITY = 1
    # Many tries on PostgreSQL (row locks between connections); SQLite serializes writers.
    attempts = 30 if connection.vendor == "postgresql" else 5
    for attempt in range(attempts):
        Conversation.objects.filter(status=Status.AGENT).update(status=Status.RESOLVED)
        pair = [waiting_conversation(f"Race {attempt}.{n}").pk for n in range(2)]
        outcomes = race(pair, [dana.pk])
        assert sorted(outcomes) == ["assigned", "no_capacity"], (attempt, outcomes)
        assert Conversation.objects.filter(assigned_agent=dana, status=Status.AGENT).count() == 1
