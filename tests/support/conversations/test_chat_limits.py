"""Abuse limits: too many messages get `rate_limited` with a retry time; too many sockets are
refused; limits are audited and never lose a stored message."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from support.conversations.models import AuditEvent, Conversation, Message
from tests.plugins.personas import ALLOWED_ORIGIN, chat_socket

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


def socket_from(client: str, forwarded_for: str = "") -> WebsocketCommunicator:
    """A widget socket whose TCP peer is `client` (and, behind a proxy, this header)."""
    from support.asgi import application

    headers = [(b"origin", ALLOWED_ORIGIN.encode())]
    if forwarded_for:
        headers.append((b"x-forwarded-for", forwarded_for.encode()))
    socket = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
    socket.scope["client"] = (client, 50000)
    return socket


async def hello(socket: WebsocketCommunicator, token: str | None = None) -> dict:
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "hello", "token": token, "last_seq": 0})
    return await socket.receive_json_from(timeout=TIMEOUT_S)


async def limit_events() -> list[dict]:
    return await database_sync_to_async(
        lambda: list(
            AuditEvent.objects.filter(kind="limit.rate_limited").values_list("data", flat=True)
        )
    )()


async def test_every_frame_type_counts_against_its_socket(settings):
    settings.LADDER_FRAMES_PER_MINUTE_PER_SOCKET = 3
    socket = chat_socket()
    welcome = await hello(socket)
    assert welcome["type"] == "welcome"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=TIMEOUT_S) == {"type": "pong"}
    await socket.send_json_to({"type": "email", "email": "not an address"})
    # The third frame is within the limit (refused for its own reason, not its rate).
    assert (await socket.receive_json_from(timeout=TIMEOUT_S))["code"] != "rate_limited"
    await socket.send_json_to({"type": "ping"})
    refused = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert refused["code"] == "rate_limited"
    assert 1 <= refused["retry_after_s"] <= 60
    # Audited once, in the conversation, with what acted.
    (event,) = await limit_events()
    assert (event["limit"], event["per"], event["frame"]) == ("frames", "socket", "ping")
    # Another socket has its own count.
    other = chat_socket()
    assert (await hello(other))["type"] == "welcome"
    await other.send_json_to({"type": "ping"})
    assert await other.receive_json_from(timeout=TIMEOUT_S) == {"type": "pong"}
    await other.disconnect()
    await socket.disconnect()


async def test_frames_from_one_address_count_together_across_its_sockets(settings):
    settings.LADDER_FRAMES_PER_MINUTE_PER_IP = 4
    first, second = socket_from("198.51.100.20"), socket_from("198.51.100.20")
    elsewhere = socket_from("198.51.100.21")
    for socket in (first, second, elsewhere):
        assert (await socket.connect())[0]
    for socket in (first, second, first, second):
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=TIMEOUT_S) == {"type": "pong"}
    await second.send_json_to({"type": "ping"})
    assert (await second.receive_json_from(timeout=TIMEOUT_S))["code"] == "rate_limited"
    await elsewhere.send_json_to({"type": "ping"})
    assert await elsewhere.receive_json_from(timeout=TIMEOUT_S) == {"type": "pong"}
    for socket in (first, second, elsewhere):
        await socket.disconnect()


async def test_conversation_changes_are_limited_per_socket(settings):
    settings.LADDER_ACTIONS_PER_MINUTE_PER_SOCKET = 2
    socket = chat_socket()
    await hello(socket)
    for _ in range(2):
        await socket.send_json_to({"type": "email", "email": "kim@example.com"})
        assert (await socket.receive_json_from(timeout=TIMEOUT_S)).get("code") != "rate_limited"
    await socket.send_json_to({"type": "handoff"})
    assert (await socket.receive_json_from(timeout=TIMEOUT_S))["code"] == "rate_limited"
    # Refused before it acted: the conversation is still the AI's.
    status = await database_sync_to_async(
        lambda: list(Conversation.objects.values_list("status", flat=True))
    )()
    assert status == ["ai"]
    await socket.disconnect()


async def test_new_conversations_are_limited_per_address_and_resuming_is_not(settings):
    settings.LADDER_CONVERSATIONS_PER_HOUR_PER_IP = 2
    opened = [socket_from("203.0.113.50") for _ in range(2)]
    welcomes = [await hello(socket) for socket in opened]
    assert [w["type"] for w in welcomes] == ["welcome", "welcome"]
    extra = socket_from("203.0.113.50")
    refused = await hello(extra)
    assert refused["code"] == "too_many_conversations"
    assert refused["retry_after_s"] >= 1
    assert (await extra.receive_output(timeout=TIMEOUT_S))["type"] == "websocket.close"
    assert await database_sync_to_async(Conversation.objects.count)() == 2
    # A customer coming back to a conversation is not starting one.
    back = socket_from("203.0.113.50")
    assert (await hello(back, welcomes[0]["token"]))["type"] == "welcome"
    for socket in (*opened, back):
        await socket.disconnect()


async def test_a_rotated_forwarded_for_does_not_escape_the_limit(settings):
    settings.LADDER_TRUST_X_FORWARDED_FOR = True
    settings.LADDER_TRUSTED_PROXIES = ["127.0.0.0/8"]
    settings.LADDER_CONVERSATIONS_PER_HOUR_PER_IP = 2
    sockets = [socket_from("127.0.0.1", f"10.9.9.{n}, 203.0.113.77, 127.0.0.2") for n in range(3)]
    answers = [await hello(socket) for socket in sockets]
    assert [a.get("code", a["type"]) for a in answers] == [
        "welcome",
        "welcome",
        "too_many_conversations",
    ]
    # The audit trail names the client our proxy saw, not what the client wrote.
    started = await database_sync_to_async(
        lambda: list(
            AuditEvent.objects.filter(kind="conversation.started").values_list("data", flat=True)
        )
    )()
    assert [d["client_ip"] for d in started] == ["203.0.113.77", "203.0.113.77"]
    for socket in sockets:
        await socket.disconnect()


async def test_ipv6_clients_in_one_64_share_a_limit(settings):
    settings.LADDER_CONVERSATIONS_PER_HOUR_PER_IP = 1
    first = socket_from("2001:db8:5:6::1")
    same_64 = socket_from("2001:db8:5:6:ffff::2")
    other_64 = socket_from("2001:db8:5:7::1")
    assert (await hello(first))["type"] == "welcome"
    assert (await hello(same_64))["code"] == "too_many_conversations"
    assert (await hello(other_64))["type"] == "welcome"
    for socket in (first, same_64, other_64):
        await socket.disconnect()
