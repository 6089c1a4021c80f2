"""The customer's "Yes, that solved it": the `solved` frame resolves a conversation the AI
answered, as the customer, through the state machine; it counts as an AI resolution; it is
refused with a clear code, changing nothing, when there is nothing to mark solved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from channels.db import database_sync_to_async

from support.analytics import metrics
from support.analytics.facts import refresh_facts
from support.analytics.queries import Filters, Period, facts_in
from support.conversations.models import AuditEvent, Conversation, Status
from tests.support.conversations.chat import (
    TIMEOUT_S,
    frames_until,
    open_chat,
    send_message,
    without_detail,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quick_answers(settings, demo_kb):
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0


def stored(public_id: str) -> tuple[str, int, list[tuple[str, str, str]]]:
    conversation = Conversation.objects.get(public_id=public_id)
    changes = [
        (e.kind, e.actor, e.data.get("reason", ""))
        for e in AuditEvent.objects.filter(conversation=conversation, kind="status.changed")
    ]
    return conversation.status, conversation.last_seq, changes


def ai_resolved_today() -> int:
    refresh_facts()
    today = datetime.now(UTC).date()
    period = Period(today - timedelta(days=1), today + timedelta(days=1), UTC)
    return metrics.overview_counts(facts_in(period, Filters()))["ai_resolved"]


async def test_solved_after_an_answer_resolves_as_the_customer_and_counts_for_the_ai():
    socket, welcome = await open_chat()
    await send_message(socket, "How long does shipping take?")
    await frames_until(socket, "message_end")
    await socket.send_json_to({"type": "solved"})
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert without_detail(frame) == {
        "type": "status",
        "status": "resolved",
        "reason": "solved_by_customer",
    }
    await socket.send_json_to({"type": "rating", "score": 5})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()

    status, _, changes = await database_sync_to_async(stored)(welcome["conversation"])
    assert status == Status.RESOLVED
    assert changes == [("status.changed", "customer", "solved_by_customer")]
    assert await database_sync_to_async(ai_resolved_today)() == 1


async def test_solved_before_any_answer_or_while_people_have_it_is_refused_and_changes_nothing():
    socket, welcome = await open_chat()
    await socket.send_json_to({"type": "solved"})
    error = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert error["type"] == "error" and error["code"] == "nothing_to_solve"
    assert await database_sync_to_async(stored)(welcome["conversation"]) == ("ai", 0, [])

    await socket.send_json_to({"type": "handoff"})
    await frames_until(socket, "status")
    before = await database_sync_to_async(stored)(welcome["conversation"])
    await socket.send_json_to({"type": "solved"})
    error = await socket.receive_json_from(timeout=TIMEOUT_S)
    while error["type"] != "error":  # the handoff's notice may still be on its way
        error = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert error["code"] == "not_answering"
    assert await database_sync_to_async(stored)(welcome["conversation"]) == before
    assert before[0] == Status.WAITING
    await socket.disconnect()
