"""The inbox socket: only agents connect; handoffs reach every open inbox at once; the
conversation on screen updates live, notes included; presence follows open sockets."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from support.conversations import agent_actions
from support.inbox.presence import online_agents
from tests.plugins.personas import make_staff
from tests.support.conversations.chat import TIMEOUT_S, open_chat, send_message

from .inbox import (
    connected_inbox,
    frame_of_type,
    inbox_socket,
    token_of,
    waiting_conversation,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_anonymous_visitors_cannot_open_the_inbox_socket():
    socket = await inbox_socket(None)
    connected, _ = await socket.connect()
    assert not connected


async def test_non_agents_cannot_open_the_inbox_socket():
    sam = await database_sync_to_async(make_staff)("sam", "Sam")
    socket = await inbox_socket(sam)
    connected, _ = await socket.connect()
    assert not connected


async def test_another_sites_page_cannot_open_the_socket_with_an_agents_cookie(dana):
    # Cross-site websocket hijacking: the session cookie rides along, the origin gives it away.
    socket = await inbox_socket(dana, origin="https://evil.example")
    connected, _ = await socket.connect()
    assert not connected


async def test_a_new_handoff_reaches_every_open_inbox(dana, eli):
    inboxes = [await connected_inbox(dana), await connected_inbox(eli)]
    await frame_of_type(inboxes[0], "presence.changed")  # Eli came online
    customer, _ = await open_chat()
    await customer.send_json_to({"type": "handoff"})
    for inbox in inboxes:
        frame = await frame_of_type(inbox, "queue.changed")
        assert frame["status"] == "waiting"
        assert frame["waiting"] == 1
    for socket in (customer, *inboxes):
        await socket.disconnect()


async def test_watched_conversation_streams_customer_messages_and_notes(dana):
    conversation = await database_sync_to_async(waiting_conversation)()
    inbox = await connected_inbox(dana)
    await inbox.send_json_to({"type": "watch", "conversation": str(conversation.public_id)})
    assert (await frame_of_type(inbox, "watching"))["conversation"] == str(conversation.public_id)
    customer, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    ack = await send_message(customer, "Are you still there?")
    entry = await frame_of_type(inbox, "transcript.entry")
    assert entry["seq"] == ack["seq"]
    assert "Are you still there?" in entry["html"]
    assert 'class="entry entry-customer"' in entry["html"]
    await database_sync_to_async(agent_actions.do_add_note)(conversation.pk, dana, "Regular")
    note = await frame_of_type(inbox, "transcript.entry")
    assert "entry-note" in note["html"] and "Regular" in note["html"]
    assert await customer.receive_nothing(timeout=0.3)  # the customer never sees it
    await customer.disconnect()
    await inbox.disconnect()


async def test_unknown_conversation_and_bad_frames_are_refused_politely(dana):
    inbox = await connected_inbox(dana)
    await inbox.send_json_to({"type": "watch", "conversation": "not-a-uuid"})
    assert (await inbox.receive_json_from(timeout=TIMEOUT_S))["code"] == "unknown_conversation"
    await inbox.send_to(text_data="{")
    assert (await inbox.receive_json_from(timeout=TIMEOUT_S))["code"] == "invalid_json"
    await inbox.send_json_to({"type": "ping"})
    assert (await inbox.receive_json_from(timeout=TIMEOUT_S)) == {"type": "pong"}
    await inbox.disconnect()


async def test_presence_follows_the_agents_open_sockets(dana, eli):
    @database_sync_to_async
    def online() -> list[str]:
        return [agent.username for agent in online_agents()]

    first = await connected_inbox(dana)
    second = await connected_inbox(dana)  # a second tab
    assert await online() == ["dana"]
    await first.disconnect()
    assert await online() == ["dana"]
    await second.disconnect()
    await asyncio.sleep(0)
    assert await online() == []
