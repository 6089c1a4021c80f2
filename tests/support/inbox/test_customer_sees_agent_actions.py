"""What the customer's widget receives when agents act: status frames with the agent's name,
replies as `message` frames, a request for a rating at resolution, and never a note."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations import agent_actions
from support.conversations.models import Conversation, Status
from tests.support.conversations.chat import TIMEOUT_S, open_chat, without_detail

from .inbox import token_of, waiting_conversation

pytestmark = pytest.mark.django_db(transaction=True)


async def customer_of(conversation: Conversation):
    socket, welcome = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    assert welcome["status"] == "waiting"
    return socket


async def next_frames(socket, count: int) -> list[dict]:
    return [await socket.receive_json_from(timeout=TIMEOUT_S) for _ in range(count)]


async def test_claim_tells_the_customer_a_named_person_has_it(dana):
    conversation = await database_sync_to_async(waiting_conversation)()
    socket = await customer_of(conversation)
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    status, joined = await next_frames(socket, 2)
    assert without_detail(status) == {
        "type": "status",
        "status": "agent",
        "reason": "claimed",
        "agent": "Dana",
    }
    assert (joined["type"], joined["role"], joined["text"]) == (
        "message",
        "system",
        "Dana joined the conversation.",
    )
    await socket.disconnect()


async def test_a_customer_who_comes_back_is_told_which_agent_has_them(dana):
    conversation = await database_sync_to_async(waiting_conversation)()
    socket = await customer_of(conversation)
    await socket.disconnect()
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, welcome = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    assert (welcome["status"], welcome["agent"]) == ("agent", "Dana")
    await socket.disconnect()
    await database_sync_to_async(agent_actions.do_hand_back_to_ai)(conversation.pk, dana)
    socket, welcome_before = await open_chat(token=token_of(conversation), last_seq=0)
    assert welcome_before["status"] == "ai"
    assert "agent" not in welcome_before
    await socket.disconnect()


async def test_reply_arrives_live_and_a_note_never_does(dana):
    conversation = await database_sync_to_async(waiting_conversation)()
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    await database_sync_to_async(agent_actions.do_add_note)(conversation.pk, dana, "Refund ok'd")
    reply = await database_sync_to_async(agent_actions.do_agent_reply)(
        conversation.pk, dana, "Your refund is on its way."
    )
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    # The note came first and took a seq, but only the reply reaches the customer.
    assert {k: frame[k] for k in ("type", "seq", "role", "author", "text")} == {
        "type": "message",
        "seq": reply.seq,
        "role": "agent",
        "author": "Dana",
        "text": "Your refund is on its way.",
    }
    assert await socket.receive_nothing(timeout=0.3)
    # Nor on resume: the widget's history leaves notes out.
    resumed, welcome = await open_chat(token=token_of(conversation), last_seq=0)
    assert "Refund ok'd" not in [m["text"] for m in welcome["history"]]
    await resumed.disconnect()
    await socket.disconnect()


async def test_resolve_sends_resolved_and_the_customer_can_rate(dana):
    conversation = await database_sync_to_async(waiting_conversation)()
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    await database_sync_to_async(agent_actions.do_resolve_conversation)(conversation.pk, dana)
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert without_detail(frame) == {
        "type": "status",
        "status": "resolved",
        "reason": "resolved_by_agent",
    }
    await socket.send_json_to({"type": "rating", "score": 5, "comment": "Quick and kind"})
    assert await socket.receive_nothing(timeout=0.3)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    assert (conversation.rating_score, conversation.rating_comment) == (5, "Quick and kind")
    await socket.disconnect()


async def test_transfer_shows_the_new_agents_name(dana, eli):
    conversation = await database_sync_to_async(waiting_conversation)()
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    await database_sync_to_async(agent_actions.do_transfer_conversation)(conversation.pk, dana, eli)
    status, took_over = await next_frames(socket, 2)
    assert without_detail(status) == {
        "type": "status",
        "status": "agent",
        "reason": "transfer",
        "agent": "Eli",
    }
    assert took_over["text"] == "Eli took over the conversation."
    await socket.disconnect()


async def test_hand_back_lets_the_ai_answer_again(dana, demo_kb, settings):
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0
    conversation = await database_sync_to_async(waiting_conversation)()
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    await database_sync_to_async(agent_actions.do_hand_back_to_ai)(conversation.pk, dana)
    status, notice = await next_frames(socket, 2)
    assert without_detail(status) == {"type": "status", "status": "ai", "reason": "handed_back"}
    assert notice["role"] == "system"
    await socket.send_json_to(
        {"type": "message", "client_id": "after-hand-back", "text": "How long does shipping take?"}
    )
    frames = []
    while not frames or frames[-1]["type"] != "message_end":
        frames.append(await socket.receive_json_from(timeout=TIMEOUT_S))
    assert [f["type"] for f in frames][:2] == ["ack", "message_start"]
    await socket.disconnect()


async def test_reopen_tells_the_customer_they_are_waiting_again(dana, eli):
    conversation = await database_sync_to_async(waiting_conversation)()
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    await database_sync_to_async(agent_actions.do_resolve_conversation)(conversation.pk, dana)
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, welcome = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    assert welcome["status"] == Status.RESOLVED
    await database_sync_to_async(agent_actions.do_reopen_conversation)(conversation.pk, eli)
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert without_detail(frame) == {
        "type": "status",
        "status": "waiting",
        "reason": "reopened_by_agent",
    }
    await socket.disconnect()
