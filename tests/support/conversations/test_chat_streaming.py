"""A customer's question: stored and acked first, then answered as a stream, then stored."""

from __future__ import annotations

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async

from support.conversations import actions
from support.conversations.dbthreads import preparing_in
from support.conversations.models import AuditEvent, Conversation, Message, Status

from .chat import (
    frames_until,
    frames_until_each,
    open_chat,
    send_message,
    status_frames,
    streamed_text,
)

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def messages_of(public_id: str) -> list[Message]:
    return list(Message.objects.filter(conversation__public_id=public_id).order_by("seq"))


@database_sync_to_async
def audit_kinds(public_id: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(conversation__public_id=public_id)
        .order_by("index")
        .values_list("kind", flat=True)
    )


async def test_new_conversation_is_welcomed_with_a_token_and_ai_status(demo_kb):
    socket, welcome = await open_chat()
    assert welcome["status"] == "ai"
    assert welcome["history"] == []
    assert welcome["token"].startswith(welcome["conversation"].replace("-", ""))
    assert await database_sync_to_async(Conversation.objects.count)() == 1
    await socket.disconnect()


async def test_message_is_acked_only_after_it_is_stored(demo_kb):
    socket, welcome = await open_chat()
    ack = await send_message(socket, "How long does shipping take?", client_id="c-1")
    stored = await messages_of(welcome["conversation"])
    # The ack names the seq of a row that already exists.
    assert [(m.seq, m.role, m.client_id) for m in stored[:1]] == [(ack["seq"], "customer", "c-1")]
    await frames_until(socket, "message_end")
    await socket.disconnect()


async def test_a_streaming_answer_holds_while_another_customer_s_answer_is_prepared(
    demo_kb, settings
):
    # Under load, the customer still waiting for a first word goes first: the answer already
    # streaming holds after its first piece until the other preparation has run.
    settings.LADDER_CONVERSATION_DB_THREADS = 2
    settings.LADDER_STREAM_HOLD_MS = 5000
    socket, welcome = await open_chat()
    pk = await database_sync_to_async(Conversation.objects.values_list("pk", flat=True).get)(
        public_id=welcome["conversation"]
    )
    gate = threading.Event()
    # Another conversation's preparation, on the other thread, that runs until the gate opens.
    preparing = asyncio.ensure_future(preparing_in(pk + 1, gate.wait)(10))
    try:
        await send_message(socket, "How long does shipping take?")
        frames = await frames_until(socket, "delta")
        assert await socket.receive_nothing(timeout=0.5)
    finally:
        gate.set()
    frames += await frames_until(socket, "message_end")
    assert await preparing is True
    seq = frames[-1]["seq"]
    answer = (await messages_of(welcome["conversation"]))[-1]
    assert answer.seq == seq and answer.state == "complete"
    assert streamed_text(frames, seq) == answer.text
    await socket.disconnect()


async def test_answer_from_the_knowledge_base_streams_and_is_stored_with_its_confidence(demo_kb):
    socket, welcome = await open_chat()
    ack = await send_message(socket, "How long does shipping take?")
    frames = await frames_until(socket, "message_end")
    start = next(f for f in frames if f["type"] == "message_start")
    assert start == {"type": "message_start", "seq": ack["seq"] + 1, "role": "assistant"}
    text = streamed_text(frames, start["seq"])
    assert "3 to 5 business days" in text
    assert "[[ladder" not in text  # the control line is never shown
    answer = (await messages_of(welcome["conversation"]))[-1]
    assert answer.seq == start["seq"]
    assert answer.text == text
    assert answer.role == "assistant"
    assert answer.state == "complete"
    assert answer.model == "local"
    assert answer.confidence is not None and answer.confidence > 0.45
    assert answer.time_to_first_token_ms is not None
    kinds = await audit_kinds(welcome["conversation"])
    assert kinds[:4] == [
        "conversation.started",
        "message.customer",
        "routing.rules",
        "routing.retrieval",
    ]
    assert "model.call" in kinds
    await socket.disconnect()


async def test_resent_client_id_gets_the_same_ack_and_stores_nothing_new(demo_kb):
    socket, welcome = await open_chat()
    first = await send_message(socket, "How long does shipping take?", client_id="same-id")
    await frames_until(socket, "message_end")
    again = await send_message(socket, "How long does shipping take?", client_id="same-id")
    assert again == first
    # No second answer starts for a resend.
    assert await socket.receive_nothing(timeout=0.3)
    assert len(await messages_of(welcome["conversation"])) == 2
    await socket.disconnect()


async def test_question_the_knowledge_base_cannot_answer_goes_to_a_person(demo_kb):
    socket, welcome = await open_chat()
    await send_message(socket, "Can your team paint my garage purple next Tuesday?")
    frames = await frames_until(socket, "message")
    status = next(f for f in frames if f["type"] == "status")
    assert status["status"] == "waiting"
    assert status["reason"] == "missing_knowledge"
    notice = frames[-1]
    assert notice["role"] == "system"
    assert "person" in notice["text"]
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )
    assert conversation.status == Status.WAITING
    assert conversation.handoff_reason == "missing_knowledge"
    await socket.disconnect()


async def test_talk_to_a_person_button_hands_off_with_customer_request(demo_kb):
    socket, welcome = await open_chat()
    await socket.send_json_to({"type": "handoff"})
    frames = await frames_until(socket, "message")
    assert {"type": "status", "status": "waiting", "reason": "customer_request"} in status_frames(
        frames
    )
    kinds = await audit_kinds(welcome["conversation"])
    assert "handoff" in kinds and "status.changed" in kinds
    await socket.disconnect()


async def test_no_model_answers_while_the_conversation_waits_for_a_person(demo_kb):
    socket, welcome = await open_chat()
    await socket.send_json_to({"type": "handoff"})
    await frames_until(socket, "message")
    await send_message(socket, "How long does shipping take?")
    assert await socket.receive_nothing(timeout=0.5)
    roles = [m.role for m in await messages_of(welcome["conversation"])]
    assert roles == ["system", "customer"]
    await socket.disconnect()


async def test_rating_is_stored_and_audited(demo_kb):
    socket, welcome = await open_chat()
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )
    await database_sync_to_async(actions.do_change_status)(
        conversation.pk, "resolved", reason="resolved_by_agent", actor="system"
    )
    await socket.send_json_to({"type": "rating", "score": 4, "comment": "Quick, thanks"})
    await socket.send_json_to({"type": "ping"})
    # The status frame of the resolution and the pong, and no error.
    frames = await frames_until_each(socket, {"status", "pong"})
    assert sorted(f["type"] for f in frames) == ["pong", "status"]
    await database_sync_to_async(conversation.refresh_from_db)()
    assert (conversation.rating_score, conversation.rating_comment) == (4, "Quick, thanks")
    assert "rating" in await audit_kinds(welcome["conversation"])
    await socket.disconnect()


async def test_two_sockets_on_one_conversation_both_see_the_answer(demo_kb):
    first, welcome = await open_chat()
    second, _ = await open_chat(token=welcome["token"])
    ack = await send_message(first, "How long does shipping take?")
    seen_by_first = await frames_until(first, "message_end")
    seen_by_second = await frames_until(second, "message_end")
    # The second tab gets the customer's message as a whole frame, then the same stream.
    assert seen_by_second[0]["type"] == "message" and seen_by_second[0]["seq"] == ack["seq"]
    assert streamed_text(seen_by_first, ack["seq"] + 1) == streamed_text(
        seen_by_second, ack["seq"] + 1
    )
    await first.disconnect()
    await second.disconnect()
