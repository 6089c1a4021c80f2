"""A frame costs no more than its size: seqs bounded by the conversation, unstorable characters
and deep nesting refused, a failing handler answered with `internal_error`, and whatever ends a
socket frees its slot; a socket that never says hello is closed."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from support.conversations import actions, answer_tasks, closing
from support.conversations.models import AuditEvent, Conversation, Message
from tests.plugins.personas import chat_socket

from .chat import TIMEOUT_S, open_chat, send_message

pytestmark = pytest.mark.django_db(transaction=True)


def stored_state() -> tuple[list[tuple], list[tuple], int]:
    return (
        list(Conversation.objects.order_by("pk").values_list("pk", "status", "last_seq")),
        list(Message.objects.order_by("pk").values_list("pk", "seq", "text")),
        AuditEvent.objects.count(),
    )


async def refused_with(socket, raw: str) -> dict:
    await socket.send_input({"type": "websocket.receive", "text": raw})
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame["type"] == "error", frame
    return frame


async def pong(socket) -> bool:
    await socket.send_json_to({"type": "ping"})
    return (await socket.receive_json_from(timeout=TIMEOUT_S)) == {"type": "pong"}


async def a_socket_may_open() -> bool:
    """With one socket allowed per address, whether another one is let in now."""
    socket = chat_socket()
    await socket.connect()
    await socket.send_json_to({"type": "ping"})
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    await socket.disconnect()
    return frame == {"type": "pong"}


async def test_huge_last_seq_on_a_new_conversation_is_refused_and_starts_nothing():
    socket = chat_socket()
    await socket.connect()
    # Once built a set of 200 million seqs on the event loop.
    error = await refused_with(socket, '{"type":"hello","token":null,"last_seq":200000000}')
    assert (error["code"], error["last_seq"]) == ("last_seq_ahead", 0)
    assert await database_sync_to_async(stored_state)() == ([], [], 0)
    assert await pong(socket)
    await socket.disconnect()


async def test_resume_with_last_seq_past_the_conversation_is_refused_then_a_true_one_resumes():
    socket, welcome = await open_chat()
    ack = await send_message(socket, "I want to talk to a person")
    await socket.disconnect()
    await answer_tasks.wait_for_answers()
    conversation = await database_sync_to_async(Conversation.objects.get)()

    resumed = chat_socket()
    await resumed.connect()
    hello = {"type": "hello", "token": welcome["token"], "last_seq": conversation.last_seq + 1}
    error = await refused_with(resumed, json.dumps(hello))
    assert (error["code"], error["last_seq"]) == ("last_seq_ahead", conversation.last_seq)
    # The refused hello joined nothing: a corrected one is welcomed with what came after.
    hello["last_seq"] = ack["seq"]
    await resumed.send_json_to(hello)
    welcome_again = await resumed.receive_json_from(timeout=TIMEOUT_S)
    assert welcome_again["type"] == "welcome"
    assert all(m["seq"] > ack["seq"] for m in welcome_again["history"])
    await resumed.disconnect()


async def test_last_seq_too_long_to_be_a_number_is_refused():
    socket = chat_socket()
    await socket.connect()
    error = await refused_with(
        socket, '{"type":"hello","token":null,"last_seq":' + "9" * 4000 + "}"
    )
    assert error["code"] == "invalid_field"
    assert await pong(socket)
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "message", "client_id": "c1", "text": "hello \ud800 there"}, "text"),
        ({"type": "message", "client_id": "c1", "text": "nul \x00 byte"}, "text"),
        ({"type": "message", "client_id": "c1", "text": "bell \x07"}, "text"),
        ({"type": "message", "client_id": "c1", "text": "c1 control \x9b"}, "text"),
        ({"type": "message", "client_id": "id\x00", "text": "hi"}, "client_id"),
        ({"type": "message", "client_id": "id\udfff", "text": "hi"}, "client_id"),
        ({"type": "rating", "score": 4, "comment": "good\x00"}, "comment"),
        ({"type": "rating", "score": 4, "comment": "\udc80"}, "comment"),
        ({"type": "email", "email": "ann\x00@example.com"}, "email"),
    ],
)
async def test_unstorable_characters_are_refused_as_invalid_field_and_store_nothing(frame, field):
    socket, _ = await open_chat()
    before = await database_sync_to_async(stored_state)()
    # json.dumps escapes the surrogate and the controls, as an attacker's client would send them.
    error = await refused_with(socket, json.dumps(frame))
    assert error["code"] == "invalid_field"
    assert f"`{field}`" in error["detail"]
    assert await database_sync_to_async(stored_state)() == before
    assert await pong(socket)
    await socket.disconnect()


async def test_tabs_and_new_lines_in_a_message_are_kept():
    socket, _ = await open_chat()
    ack = await send_message(socket, "line one\n\tline two\r\nline three")
    stored = await database_sync_to_async(Message.objects.get)(seq=ack["seq"])
    assert stored.text == "line one\n\tline two\r\nline three"
    await socket.disconnect()


async def test_surrogate_token_is_refused_as_invalid_field():
    socket = chat_socket()
    await socket.connect()
    error = await refused_with(socket, '{"type":"hello","token":"\\ud800abc","last_seq":0}')
    assert error["code"] == "invalid_field"
    assert await pong(socket)
    await socket.disconnect()


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 30000 + "]" * 30000,
        '{"type":"ping","x":' + "[" * 30000 + "]" * 30000 + "}",
        '{"type":"ping","x":' + '{"a":' * 10000 + "1" + "}" * 10000 + "}",
        "[" * 60000,
    ],
)
async def test_deeply_nested_frames_are_refused_before_parsing(raw):
    socket, _ = await open_chat()
    error = await refused_with(socket, raw)
    assert error["code"] == "frame_too_deep"
    assert await pong(socket)
    await socket.disconnect()


async def test_brackets_inside_a_message_are_text_not_nesting():
    socket, _ = await open_chat()
    ack = await send_message(socket, "[[[[[[[[[[[[ {{{{{{{{{{ :-]")
    assert ack["seq"] == 1
    await socket.disconnect()


async def test_nan_is_not_json():
    socket, _ = await open_chat()
    error = await refused_with(socket, '{"type":"rating","score":NaN}')
    assert error["code"] == "invalid_json"
    await socket.disconnect()


async def test_a_failing_handler_answers_internal_error_and_the_socket_goes_on(
    monkeypatch, settings
):
    settings.LADDER_MAX_SOCKETS_PER_IP = 1

    def broken_mark_solved(conversation_id: int) -> None:
        raise RuntimeError("the database went away")

    socket, _ = await open_chat()
    monkeypatch.setattr(closing, "do_mark_solved", broken_mark_solved)
    await socket.send_json_to({"type": "solved"})
    error = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert error["type"] == "error"
    assert error["code"] == "internal_error"
    # The customer is told plainly and shown no internals.
    assert "RuntimeError" not in error["detail"] and "database" not in error["detail"]
    assert await pong(socket)
    await socket.disconnect()
    # Its one slot is free again.
    assert await a_socket_may_open()


async def test_a_failing_message_is_named_so_the_widget_can_send_it_again(monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("disk full")

    socket, _ = await open_chat()
    monkeypatch.setattr(actions, "do_record_customer_messages", broken_record)
    await socket.send_json_to({"type": "message", "client_id": "m-1", "text": "hello"})
    error = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert (error["code"], error["client_id"]) == ("internal_error", "m-1")
    monkeypatch.undo()
    # The resend with the same client_id is stored once and acked.
    ack = await send_message(socket, "hello", client_id="m-1")
    assert ack["seq"] == 1
    await socket.disconnect()


async def test_a_socket_that_crashes_outside_a_frame_still_frees_its_slot(settings):
    settings.LADDER_MAX_SOCKETS_PER_IP = 1
    socket, welcome = await open_chat()
    conversation = await database_sync_to_async(Conversation.objects.get)()
    # A live event the consumer cannot read kills its task, past every frame handler.
    from channels.layers import get_channel_layer

    await get_channel_layer().group_send(
        conversation.group_name, {"type": "chat.message", "frame": {"no": "seq"}}
    )
    with pytest.raises(KeyError):
        await socket.receive_output(timeout=TIMEOUT_S)
    assert await a_socket_may_open()


async def test_a_socket_that_sends_no_hello_is_closed_and_frees_its_slot(settings):
    settings.LADDER_HELLO_TIMEOUT_S = 0.2
    settings.LADDER_MAX_SOCKETS_PER_IP = 1
    silent = chat_socket()
    assert (await silent.connect())[0]
    error = await silent.receive_json_from(timeout=TIMEOUT_S)
    assert error["code"] == "hello_timeout"
    closed = await silent.receive_output(timeout=TIMEOUT_S)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4008)
    assert await a_socket_may_open()
    await silent.disconnect()


async def test_pings_do_not_stand_in_for_hello(settings):
    settings.LADDER_HELLO_TIMEOUT_S = 0.3
    socket = chat_socket()
    await socket.connect()
    assert await pong(socket)
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    while frame == {"type": "pong"}:
        frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame["code"] == "hello_timeout"
    await socket.disconnect()


async def test_a_socket_that_said_hello_is_not_closed_for_it(settings):
    settings.LADDER_HELLO_TIMEOUT_S = 0.2
    socket, _ = await open_chat()
    assert await socket.receive_nothing(timeout=0.5)
    assert await pong(socket)
    await socket.disconnect()


async def test_a_socket_idle_longer_than_the_layers_blocking_read_still_answers():
    # With Redis, a consumer's read of its channel blocks for 5 s at a time; redis-py's own
    # 5 s socket timeout used to end that read with an error that killed the consumer.
    socket, _ = await open_chat()
    await asyncio.sleep(7)
    assert await pong(socket)
    await socket.disconnect()
