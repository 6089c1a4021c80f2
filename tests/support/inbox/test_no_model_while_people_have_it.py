"""While a conversation waits for a person or a person has it, no model answers in it."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from routing import reasons
from support.conversations import actions, agent_actions, answer_tasks
from support.conversations.answer_run import AnswerRun
from support.conversations.audit import verify_chain
from support.conversations.models import AuditEvent, Conversation, Message
from tests.support.conversations.chat import open_chat, send_message

from .inbox import token_of, waiting_conversation

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def model_activity(conversation: Conversation) -> tuple[int, int]:
    calls = AuditEvent.objects.filter(
        conversation=conversation, kind__in=["model.call", "routing.decision", "routing.rules"]
    ).count()
    answers = Message.objects.filter(conversation=conversation, role="assistant").count()
    return calls, answers


@pytest.mark.parametrize("status", ["waiting", "agent"])
async def test_customer_messages_are_stored_but_no_model_answers(status, dana, demo_kb, settings):
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0
    conversation = await database_sync_to_async(waiting_conversation)()
    if status == "agent":
        await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    before = await model_activity(conversation)
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    # A question the knowledge base answers well: the AI would answer it if it were allowed to.
    ack = await send_message(socket, "How long does shipping take?")
    assert await socket.receive_nothing(timeout=0.5)  # no message_start, no delta
    assert await database_sync_to_async(
        Message.objects.filter(conversation=conversation, seq=ack["seq"], role="customer").exists
    )()
    assert await model_activity(conversation) == before
    await socket.disconnect()


async def test_no_model_is_called_after_a_handoff_that_lands_mid_answer(demo_kb, settings):
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0
    socket, welcome = await open_chat()
    await send_message(socket, "How long does shipping take?")
    await socket.send_json_to({"type": "handoff"})  # while the AI is still working on it
    await answer_tasks.wait_for_answers()

    @database_sync_to_async
    def kinds() -> list[str]:
        return list(
            AuditEvent.objects.filter(conversation__public_id=welcome["conversation"])
            .order_by("index")
            .values_list("kind", flat=True)
        )

    story = await kinds()
    assert "handoff" in story
    assert "model.call" not in story[story.index("handoff") :]
    await socket.disconnect()


async def test_the_routers_decision_is_audited_even_when_a_handoff_stops_the_model(
    demo_kb, settings, monkeypatch
):
    # The reservation refused under the row lock rolls back; the decision must still be kept.
    # The customer's "talk to a person" lands after the router decided and before the answer
    # reserves its seq (a frame racing the answer could land before the decision instead).
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0
    reserve_now = AnswerRun.reserve_now

    def person_first(run: AnswerRun, tier: str, model: str) -> list[actions.AuditEntry]:
        actions.do_request_handoff(
            run.conversation_id,
            reason=reasons.CUSTOMER_REQUEST,
            actor="customer",
            notice="A person from our team will help you shortly.",
        )
        return reserve_now(run, tier, model)

    monkeypatch.setattr(AnswerRun, "reserve_now", person_first)
    socket, welcome = await open_chat()
    await send_message(socket, "How long does shipping take?")
    await answer_tasks.wait_for_answers()

    @database_sync_to_async
    def story() -> tuple[list[str], list]:
        conversation = Conversation.objects.get(public_id=welcome["conversation"])
        events = list(conversation.audit_events.order_by("index"))
        return [e.kind for e in events], verify_chain(conversation, events)

    kinds, problems = await story()
    assert "routing.decision" in kinds
    assert "handoff" in kinds
    assert "model.call" not in kinds[kinds.index("handoff") :]
    assert problems == []
    await socket.disconnect()
