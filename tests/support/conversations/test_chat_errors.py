"""Every error code of PROTOCOL.md: a refused frame gets a stable code and changes nothing."""

from __future__ import annotations

import json

import pytest

from support.conversations.models import AuditEvent, Conversation, Message
from tests.plugins.personas import chat_socket

from .chat import TIMEOUT_S, open_chat, send_message

pytestmark = pytest.mark.django_db(transaction=True)


def stored_state() -> tuple[int, int, int]:
    return Conversation.objects.count(), Message.objects.count(), AuditEvent.objects.count()


async def refused(socket, raw: str) -> dict:
    await socket.send_to(text_data=raw)
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame["type"] == "error", frame
    assert frame["detail"]
    return frame


async def stored_state_async():
    from channels.db import database_sync_to_async

    return await database_sync_to_async(stored_state)()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "invalid_json"),
        ("[1, 2]", "invalid_frame"),
        ('{"text": "hi"}', "missing_type"),
        ('{"type": "teleport"}', "unknown_type"),
        ('{"type": 7}', "unknown_type"),
        ('{"type": "message", "client_id": "a", "text": "hi"}', "hello_required"),
        ('{"type": "hello", "token": 5, "last_seq": 0}', "invalid_field"),
        ('{"type": "hello", "token": null, "last_seq": "3"}', "invalid_field"),
        ('{"type": "hello", "token": null, "last_seq": -1}', "invalid_field"),
        ('{"type": "hello", "token": "forged:token", "last_seq": 0}', "bad_token"),
        ('{"type": "hello", "token": null, "last_seq": 0, "language": 7}', "invalid_field"),
        (
            '{"type": "hello", "token": null, "last_seq": 0, "language": "<script>"}',
            "invalid_field",
        ),
    ],
)
async def test_bad_frame_before_hello_is_refused_with_its_code_and_stores_nothing(raw, code):
    socket = chat_socket()
    await socket.connect()
    before = await stored_state_async()
    frame = await refused(socket, raw)
    assert frame["code"] == code
    # The socket stays open: a ping still gets its pong.
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from(timeout=TIMEOUT_S)) == {"type": "pong"}
    assert await stored_state_async() == before
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "hello", "token": None, "last_seq": 0}, "hello_repeated"),
        ({"type": "message", "client_id": "c1", "text": ""}, "message_empty"),
        ({"type": "message", "client_id": "c1", "text": "   "}, "message_empty"),
        ({"type": "message", "client_id": "c1", "text": "x" * 4001}, "message_too_long"),
        ({"type": "message", "client_id": "c1", "text": 42}, "invalid_field"),
        ({"type": "message", "client_id": "c1"}, "invalid_field"),
        ({"type": "message", "client_id": "", "text": "hi"}, "invalid_client_id"),
        ({"type": "message", "client_id": 12, "text": "hi"}, "invalid_client_id"),
        ({"type": "message", "client_id": "x" * 65, "text": "hi"}, "invalid_client_id"),
        ({"type": "rating", "score": 6}, "invalid_rating"),
        ({"type": "rating", "score": 0}, "invalid_rating"),
        ({"type": "rating", "score": "5"}, "invalid_rating"),
        ({"type": "rating", "score": True}, "invalid_rating"),
        ({"type": "rating", "score": 4, "comment": 9}, "invalid_field"),
        ({"type": "rating", "score": 4, "comment": "c" * 4001}, "comment_too_long"),
        ({"type": "email", "email": "not an address"}, "invalid_email"),
        ({"type": "email", "email": 12}, "invalid_email"),
    ],
)
async def test_bad_frame_after_hello_is_refused_with_its_code_and_stores_nothing(frame, code):
    socket, _ = await open_chat()
    before = await stored_state_async()
    error = await refused(socket, json.dumps(frame))
    assert error["code"] == code
    # A refused message names itself when its client_id is usable; nothing else echoes one.
    usable = frame["type"] == "message" and code != "invalid_client_id"
    assert error.get("client_id") == ("c1" if usable else None)
    assert await stored_state_async() == before
    await socket.disconnect()


async def test_message_of_exactly_4000_characters_is_accepted():
    socket, _ = await open_chat()
    ack = await send_message(socket, "y" * 4000)
    assert ack["seq"] == 1
    await socket.disconnect()


async def test_binary_frame_is_refused():
    socket, _ = await open_chat()
    await socket.send_to(bytes_data=b"\x00\x01")
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame["code"] == "binary_not_supported"
    await socket.disconnect()


async def test_oversized_frame_is_refused_before_parsing():
    socket, _ = await open_chat()
    error = await refused(socket, json.dumps({"type": "message", "text": "z" * 70_000}))
    assert error["code"] == "frame_too_large"
    await socket.disconnect()


async def test_socket_from_a_site_not_allowed_gets_origin_not_allowed_and_is_closed():
    socket = chat_socket(origin="https://evil.example")
    connected, _ = await socket.connect()
    assert connected
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame["type"] == "error"
    assert frame["code"] == "origin_not_allowed"
    closed = await socket.receive_output(timeout=TIMEOUT_S)
    assert closed["type"] == "websocket.close"
    assert await stored_state_async() == (0, 0, 0)


async def test_token_signed_by_another_site_is_refused(settings):
    from support.conversations.tokens import make_token

    socket, welcome = await open_chat()
    await socket.disconnect()
    settings.SECRET_KEY = "another-site-secret-key-entirely-different-0123456789"
    foreign = make_token(__import__("uuid").UUID(welcome["conversation"]))
    settings.SECRET_KEY = "restored-but-different-from-the-signing-one-abcdefghijkl"
    socket = chat_socket()
    await socket.connect()
    error = await refused(socket, json.dumps({"type": "hello", "token": foreign, "last_seq": 0}))
    assert error["code"] == "bad_token"
    await socket.disconnect()


async def test_token_of_a_conversation_that_does_not_exist_is_refused():
    import uuid

    from support.conversations.tokens import make_token

    socket = chat_socket()
    await socket.connect()
    token = make_token(uuid.uuid4())
    error = await refused(socket, json.dumps({"type": "hello", "token": token, "last_seq": 0}))
    assert error["code"] == "bad_token"
    await socket.disconnect()
