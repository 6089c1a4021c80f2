"""`manage.py close_idle_conversations` (and the housekeeping round) resolve conversations the
AI answered and the customer left, as the system; the analytics count them as resolved by the AI
unless the customer comes back within 7 days."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from channels.db import database_sync_to_async
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from support.analytics import metrics
from support.analytics.facts import refresh_facts
from support.analytics.queries import Filters, Period, facts_in
from support.conversations import actions, housekeeping
from support.conversations.models import AuditEvent, Conversation, Message, MessageState, Status
from support.devtools.traffic import Question, Reply, SyntheticClock, ask, start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def idle_after_thirty_minutes(settings):
    settings.LADDER_AI_IDLE_CLOSE_MINUTES = 30


def answered_by_ai(minutes_ago: float, question: str = "How long does shipping take?"):
    """A customer asked `minutes_ago` and the fast model answered; nothing since."""
    clock = SyntheticClock(timezone.now() - timedelta(minutes=minutes_ago))
    with clock.running():
        conversation = start_conversation()
        assert ask(conversation, Question(question, 0.8, fast=Reply(0.9)), clock) == "fast"
    return Conversation.objects.get(pk=conversation.pk)


def close(*args: str) -> str:
    out = StringIO()
    call_command("close_idle_conversations", *args, stdout=out)
    return out.getvalue()


def status_of(conversation: Conversation) -> str:
    return Conversation.objects.get(pk=conversation.pk).status


def ai_resolved_today() -> int:
    refresh_facts()
    today = timezone.now().astimezone(UTC).date()
    period = Period(today - timedelta(days=1), today + timedelta(days=1), UTC)
    return metrics.overview_counts(facts_in(period, Filters()))["ai_resolved"]


def test_a_conversation_the_customer_left_is_resolved_by_the_system():
    conversation = answered_by_ai(minutes_ago=45)
    assert "Closed 1 conversation(s) idle for 30 minute(s) or more." in close()
    assert status_of(conversation) == Status.RESOLVED
    event = AuditEvent.objects.filter(conversation=conversation).order_by("-index").first()
    # The trail says who closed it and why, so nobody mistakes it for an agent's resolve.
    assert (event.kind, event.actor) == ("status.changed", "system")
    assert event.data == {"from": "ai", "to": "resolved", "reason": "closed_idle"}
    assert ai_resolved_today() == 1
    call_command("verify_audit", stdout=StringIO())


def test_recent_waiting_and_unanswered_conversations_stay_open():
    recent = answered_by_ai(minutes_ago=10)
    with_people = answered_by_ai(minutes_ago=45)
    actions.do_request_handoff(
        with_people.pk, reason="customer_request", actor="customer", notice="A person will answer."
    )
    unanswered = answered_by_ai(minutes_ago=50)
    with SyntheticClock(timezone.now() - timedelta(minutes=40)).running():
        # Asked again and never answered: recovery answers it or hands it to people.
        actions.do_record_customer_message(unanswered.pk, client_id="again", text="And to Oslo?")
    streaming = answered_by_ai(minutes_ago=45)
    Message.objects.filter(conversation=streaming, role="assistant").update(
        state=MessageState.STREAMING
    )
    never_answered = start_conversation()
    assert "Closed 0 conversation(s)" in close()
    assert [status_of(c) for c in (recent, with_people, unanswered, streaming)] == [
        Status.AI,
        Status.WAITING,
        Status.AI,
        Status.AI,
    ]
    assert status_of(never_answered) == Status.AI


def test_idle_minutes_override_the_setting():
    conversation = answered_by_ai(minutes_ago=10)
    assert "Closed 0" in close()
    assert "Closed 1 conversation(s) idle for 5 minute(s)" in close("--idle-minutes", "5")
    assert status_of(conversation) == Status.RESOLVED


def test_dry_run_counts_and_changes_nothing():
    conversation = answered_by_ai(minutes_ago=45)
    events = AuditEvent.objects.filter(conversation=conversation).count()
    assert "Would close 1 conversation(s) idle for 30 minute(s) or more (dry run" in close(
        "--dry-run"
    )
    assert status_of(conversation) == Status.AI
    assert AuditEvent.objects.filter(conversation=conversation).count() == events


@pytest.mark.parametrize("minutes", ["0", "-5", "soon", "999999999"])
def test_idle_minutes_must_be_a_sensible_whole_number(minutes):
    answered_by_ai(minutes_ago=45)
    with pytest.raises(CommandError, match="--idle-minutes must be"):
        close("--idle-minutes", minutes)
    assert Conversation.objects.filter(status=Status.RESOLVED).count() == 0


def test_the_setting_at_zero_turns_the_rule_off(settings):
    settings.LADDER_AI_IDLE_CLOSE_MINUTES = 0
    conversation = answered_by_ai(minutes_ago=600)
    assert "off (LADDER_AI_IDLE_CLOSE_MINUTES=0)" in close()
    housekeeping.run_chores()
    assert status_of(conversation) == Status.AI


def facts_of(conversation: Conversation):
    refresh_facts()
    return Conversation.objects.get(pk=conversation.pk).analytics_facts


def test_a_customer_back_within_seven_days_is_not_counted_as_resolved_by_the_ai():
    conversation = answered_by_ai(minutes_ago=3 * 24 * 60)
    close()
    assert facts_of(conversation).ai_resolved
    actions.do_record_customer_message(
        conversation.pk, client_id=str(uuid.uuid4()), text="It still hasn't arrived."
    )
    # Writing again reopens it for the AI, and the closing no longer counts as a resolution.
    assert status_of(conversation) == Status.AI
    facts = facts_of(conversation)
    assert (facts.reopened_within_7_days, facts.ai_resolved) == (True, False)


def test_the_housekeeping_round_closes_idle_conversations():
    conversation = answered_by_ai(minutes_ago=45)
    housekeeping.run_chores()
    assert status_of(conversation) == Status.RESOLVED


@pytest.mark.django_db(transaction=True)
async def test_the_widget_is_told_and_asks_for_a_rating_that_the_analytics_count(demo_kb, settings):
    from tests.support.conversations.chat import (
        TIMEOUT_S,
        frames_until,
        open_chat,
        without_detail,
    )

    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0
    socket, welcome = await open_chat()
    await socket.send_json_to(
        {"type": "message", "client_id": "q1", "text": "How long does shipping take?"}
    )
    frames = await frames_until(socket, "message_end")
    assert [f["type"] for f in frames][:2] == ["ack", "message_start"]
    # Half an hour on, the customer has said nothing more.
    later = datetime.now(UTC) + timedelta(minutes=31)
    with SyntheticClock(later).running():
        output = await database_sync_to_async(close)()
    assert "Closed 1 conversation(s)" in output
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    # The same frame an agent's resolve sends: the widget shows its rating card.
    assert without_detail(frame) == {
        "type": "status",
        "status": "resolved",
        "reason": "closed_idle",
    }
    await socket.send_json_to({"type": "rating", "score": 5, "comment": "That solved it"})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()

    def rated_ai_resolutions() -> tuple[int, int]:
        refresh_facts()
        today = datetime.now(UTC).date()
        period = Period(today - timedelta(days=1), today + timedelta(days=1), UTC)
        ai, _agent = metrics.satisfaction(facts_in(period, Filters()))
        return ai.resolved, ai.by_score[5]

    assert await database_sync_to_async(rated_ai_resolutions)() == (1, 1)
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )
    assert (conversation.status, conversation.rating_score) == (Status.RESOLVED, 5)
