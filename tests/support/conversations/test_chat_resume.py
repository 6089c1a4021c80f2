"""A widget that drops mid-answer loses nothing and sees nothing twice when it comes back."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations import answer_tasks
from support.conversations.models import Conversation, Message

from .chat import frames_until, open_chat, send_message, streamed_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_local_stream(settings):
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 40


async def test_reconnect_mid_answer_gets_exactly_the_missing_messages_none_twice(
    demo_kb, slow_local_stream
):
    socket, welcome = await open_chat()
    ack = await send_message(socket, "How long does shipping take?")
    start = await socket.receive_json_from(timeout=5)
    first_delta = await socket.receive_json_from(timeout=5)
    assert (start["type"], first_delta["type"]) == ("message_start", "delta")
    await socket.disconnect()  # the customer's train enters a tunnel

    resumed, welcome_again = await open_chat(token=welcome["token"], last_seq=ack["seq"])
    assert welcome_again["conversation"] == welcome["conversation"]
    assert welcome_again["history"] == []  # the answer is still streaming
    frames = await frames_until(resumed, "message_end")
    assert frames[0] == {"type": "message_start", "seq": start["seq"], "role": "assistant"}
    stored = await database_sync_to_async(Message.objects.get)(
        conversation__public_id=welcome["conversation"], seq=start["seq"]
    )
    # Text so far, then the rest: together exactly the stored answer, nothing repeated.
    assert streamed_text(frames, start["seq"]) == stored.text
    assert [f["type"] for f in frames].count("message_start") == 1
    assert await resumed.receive_nothing(timeout=0.3)
    await resumed.disconnect()


async def test_reconnect_after_the_answer_finished_gets_it_from_history_once(demo_kb):
    socket, welcome = await open_chat()
    ack = await send_message(socket, "Can I return an item?")
    await socket.receive_json_from(timeout=5)  # message_start
    await socket.disconnect()
    await answer_tasks.wait_for_answers()

    resumed, welcome_again = await open_chat(token=welcome["token"], last_seq=ack["seq"])
    history = welcome_again["history"]
    assert [(m["seq"], m["role"]) for m in history] == [(ack["seq"] + 1, "assistant")]
    assert "30 days" in history[0]["text"]
    assert await resumed.receive_nothing(timeout=0.3)
    await resumed.disconnect()


async def test_resume_with_last_seq_zero_replays_the_whole_conversation_in_order(demo_kb):
    socket, welcome = await open_chat()
    await send_message(socket, "How long does shipping take?")
    await frames_until(socket, "message_end")
    await send_message(socket, "Can I return an item?")
    await frames_until(socket, "message_end")
    await socket.disconnect()

    resumed, welcome_again = await open_chat(token=welcome["token"], last_seq=0)
    assert [m["seq"] for m in welcome_again["history"]] == [1, 2, 3, 4]
    assert [m["role"] for m in welcome_again["history"]] == ["customer", "assistant"] * 2
    await resumed.disconnect()


async def test_unanswered_message_left_by_a_dead_process_is_answered_on_resume(demo_kb):
    from support.conversations import actions

    socket, welcome = await open_chat()
    await socket.disconnect()

    @database_sync_to_async
    def store_without_answer() -> int:
        conversation_id = Conversation.objects.get(public_id=welcome["conversation"]).pk
        # As if the process died right after the ack, before any answer began.
        stored = actions.do_record_customer_message(
            conversation_id, client_id="orphan", text="How long does shipping take?"
        )
        return stored.message.seq

    seq = await store_without_answer()
    resumed, _ = await open_chat(token=welcome["token"], last_seq=seq)
    frames = await frames_until(resumed, "message_end")
    assert "3 to 5 business days" in streamed_text(frames, seq + 1)
    await resumed.disconnect()
