"""Typing indicators both ways: the agent watching sees the customer typing, the customer sees
the agent typing; each side hears only the other, news is throttled and bounded, bad frames
are refused, and nothing of it is stored."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations.models import AuditEvent, Conversation, Message
from tests.support.inbox.inbox import (
    claimed_conversation,
    connected_inbox,
    frame_of_type,
    token_of,
    waiting_conversation,
)

from .chat import TIMEOUT_S, open_chat

pytestmark = pytest.mark.django_db(transaction=True)
QUIET_S = 0.3


@database_sync_to_async
def stored_counts(conversation: Conversation) -> tuple[int, int]:
    return (
        Message.objects.filter(conversation=conversation).count(),
        AuditEvent.objects.filter(conversation=conversation).count(),
    )


async def customer_and_agent(agent, *, claimed: bool = True):
    """A customer's widget and the agent's inbox, both on one conversation."""
    make = claimed_conversation if claimed else waiting_conversation
    conversation = await database_sync_to_async(make)(*((agent,) if claimed else ()))
    customer, _ = await open_chat(token_of(conversation), last_seq=conversation.last_seq)
    inbox = await connected_inbox(agent)
    await inbox.send_json_to({"type": "watch", "conversation": str(conversation.public_id)})
    await frame_of_type(inbox, "watching")
    return conversation, customer, inbox


async def test_the_agent_sees_the_customer_typing_and_nothing_is_stored(dana):
    conversation, customer, inbox = await customer_and_agent(dana)
    before = await stored_counts(conversation)

    await customer.send_json_to({"type": "typing"})
    assert await frame_of_type(inbox, "typing") == {
        "type": "typing",
        "role": "customer",
        "active": True,
        "expires_in_s": 6,
    }
    # The customer's own socket is not told of their own keystrokes.
    assert await customer.receive_nothing(timeout=QUIET_S)
    await customer.send_json_to({"type": "typing", "active": False})
    stopped = await frame_of_type(inbox, "typing")
    assert (stopped["role"], stopped["active"]) == ("customer", False)
    # No message, no seq, no audit event: typing is not part of the conversation's record.
    assert await stored_counts(conversation) == before
    for socket in (customer, inbox):
        await socket.disconnect()


async def test_the_customer_sees_the_agent_typing_by_first_name(dana):
    conversation, customer, inbox = await customer_and_agent(dana)
    before = await stored_counts(conversation)

    await inbox.send_json_to({"type": "typing", "active": True})
    frame = await customer.receive_json_from(timeout=TIMEOUT_S)
    assert frame == {
        "type": "typing",
        "role": "agent",
        "name": "Dana",
        "active": True,
        "expires_in_s": 6,
    }
    # The agent's inbox does not echo the agent's own typing back.
    assert await inbox.receive_nothing(timeout=QUIET_S)
    assert await stored_counts(conversation) == before
    for socket in (customer, inbox):
        await socket.disconnect()


async def test_typing_news_is_relayed_at_most_once_per_interval(dana, settings):
    settings.LADDER_TYPING_RELAY_EVERY_S = 60
    _, customer, inbox = await customer_and_agent(dana)

    for _ in range(3):
        await customer.send_json_to({"type": "typing"})
    assert (await frame_of_type(inbox, "typing"))["active"] is True
    # Two more keystroke frames within the interval: the agent already knows.
    assert await inbox.receive_nothing(timeout=QUIET_S)
    await customer.send_json_to({"type": "typing", "active": False})
    assert (await frame_of_type(inbox, "typing"))["active"] is False
    # A stop with nothing started, and a restart within the interval, are not news either.
    await customer.send_json_to({"type": "typing", "active": False})
    await customer.send_json_to({"type": "typing"})
    assert await inbox.receive_nothing(timeout=QUIET_S)
    for socket in (customer, inbox):
        await socket.disconnect()


async def test_a_typing_frame_with_a_bad_field_is_refused(dana):
    _, customer, inbox = await customer_and_agent(dana)

    await customer.send_json_to({"type": "typing", "active": "yes"})
    refused = await customer.receive_json_from(timeout=TIMEOUT_S)
    assert (refused["type"], refused["code"], refused["frame"]) == (
        "error",
        "invalid_field",
        "typing",
    )
    assert await inbox.receive_nothing(timeout=QUIET_S)
    for socket in (customer, inbox):
        await socket.disconnect()


async def test_typing_frames_are_rate_limited_per_socket(dana, settings):
    settings.LADDER_TYPING_FRAMES_PER_MINUTE_PER_SOCKET = 2
    settings.LADDER_TYPING_RELAY_EVERY_S = 0
    _, customer, inbox = await customer_and_agent(dana)

    await customer.send_json_to({"type": "typing"})
    await customer.send_json_to({"type": "typing", "active": False})
    await customer.send_json_to({"type": "typing"})
    refused = await customer.receive_json_from(timeout=TIMEOUT_S)
    assert (refused["code"], refused["frame"]) == ("rate_limited", "typing")
    assert refused["retry_after_s"] >= 1
    relayed = [await frame_of_type(inbox, "typing") for _ in range(2)]
    assert [frame["active"] for frame in relayed] == [True, False]
    assert await inbox.receive_nothing(timeout=QUIET_S)
    for socket in (customer, inbox):
        await socket.disconnect()


async def test_typing_before_hello_is_refused():
    from tests.plugins.personas import chat_socket

    socket = chat_socket()
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "typing"})
    refused = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert refused["code"] == "hello_required"
    await socket.disconnect()


async def test_only_the_agent_who_has_the_conversation_is_shown_typing(dana):
    _, customer, inbox = await customer_and_agent(dana, claimed=False)

    # Waiting, not claimed: nobody replies yet, so nobody is shown typing.
    await inbox.send_json_to({"type": "typing"})
    refused = await frame_of_type(inbox, "error")
    assert refused["code"] == "claim_first"
    assert await customer.receive_nothing(timeout=QUIET_S)
    for socket in (customer, inbox):
        await socket.disconnect()


async def test_an_agent_types_only_in_a_conversation_they_watch(dana):
    inbox = await connected_inbox(dana)
    await inbox.send_json_to({"type": "typing"})
    refused = await frame_of_type(inbox, "error")
    assert refused["code"] == "not_watching"
    await inbox.send_json_to({"type": "typing", "active": 1})
    refused = await frame_of_type(inbox, "error")
    assert refused["code"] == "invalid_field"
    await inbox.disconnect()
