"""Abuse limits: too many messages get `rate_limited` with a retry time; too many sockets are
refused; limits are audited and never lose a stored message."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations.models import AuditEvent, Message
from tests.plugins.personas import chat_socket

from .chat import TIMEOUT_S, open_chat, send_message

pytestmark = pytest.mark.django_db(transaction=True)


async def test_messages_over_the_per_conversation_rate_are_refused_with_a_retry_time(
    demo_kb, settings
):
    settings.LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION = 2
    socket, welcome = await open_chat()
    await send_message(socket, "hello one")
    await send_message(socket, "hello two")
    await socket.send_json_to({"type": "message", "client_id": "third", "text": "hello three"})
    frames = []
    while True:
        frame = await socket.receive_json_from(timeout=TIMEOUT_S)
        frames.append(frame)
        if frame["type"] == "error":
            break
    error = frames[-1]
    assert (error["code"], error["client_id"]) == ("rate_limited", "third")
    assert 1 <= error["retry_after_s"] <= 60
    stored = await database_sync_to_async(
        lambda: list(Message.objects.filter(role="customer").values_list("text", flat=True))
    )()
    assert stored == ["hello one", "hello two"]
    kinds = await database_sync_to_async(
        lambda: list(AuditEvent.objects.values_list("kind", flat=True))
    )()
    assert "limit.rate_limited" in kinds
    await socket.disconnect()


async def test_resend_of_a_stored_message_is_acked_even_when_rate_limited(demo_kb, settings):
    settings.LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION = 1
    socket, _ = await open_chat()
    first = await send_message(socket, "hello", client_id="only")
    await socket.send_json_to({"type": "message", "client_id": "only", "text": "hello"})
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    while frame["type"] != "ack":
        frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame == first
    await socket.disconnect()


async def test_too_many_sockets_from_one_address_are_refused(settings):
    settings.LADDER_MAX_SOCKETS_PER_IP = 2
    opened = [chat_socket() for _ in range(2)]
    for socket in opened:
        assert (await socket.connect())[0]
    extra = chat_socket()
    await extra.connect()
    frame = await extra.receive_json_from(timeout=TIMEOUT_S)
    assert frame["code"] == "too_many_sockets"
    assert (await extra.receive_output(timeout=TIMEOUT_S))["type"] == "websocket.close"
    # Closing one frees a place.
    await opened[0].disconnect()
    again = chat_socket()
    assert (await again.connect())[0]
    await again.send_json_to({"type": "ping"})
    assert (await again.receive_json_from(timeout=TIMEOUT_S)) == {"type": "pong"}
    await again.disconnect()
    await opened[1].disconnect()
