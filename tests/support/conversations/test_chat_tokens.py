"""Widget tokens expire when idle, are handed out fresh to active visitors, and are revoked
by erasure: refused with stable codes, through the real consumer."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from django.core import signing
from django.core.management import call_command

from support.conversations.models import Conversation
from support.conversations.tokens import make_token, read_token
from tests.plugins.personas import chat_socket

from .chat import TIMEOUT_S, open_chat, send_message

pytestmark = pytest.mark.django_db(transaction=True)


async def hello_refused(token: str) -> dict:
    socket = chat_socket()
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "hello", "token": token, "last_seq": 0})
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    await socket.disconnect()
    assert frame["type"] == "error", frame
    return frame


@database_sync_to_async
def conversation(public_id: str) -> Conversation:
    return Conversation.objects.get(public_id=public_id)


def issued_hours_ago(public_id: str, hours: int, generation: int = 0) -> str:
    import uuid

    then = int(time.time()) - hours * 3600
    with mock.patch.object(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(then)
    ):
        return make_token(uuid.UUID(public_id), generation)


async def test_token_idle_longer_than_the_setting_is_refused_as_expired(settings):
    settings.LADDER_TOKEN_IDLE_S = 3600
    socket, welcome = await open_chat()
    await socket.disconnect()
    stale = issued_hours_ago(welcome["conversation"], 2)
    error = await hello_refused(stale)
    assert error["code"] == "token_expired"
    # One within its idle time still resumes the conversation.
    resumed, again = await open_chat(issued_hours_ago(welcome["conversation"], 0))
    assert again["conversation"] == welcome["conversation"]
    await resumed.disconnect()


async def test_welcome_hands_out_a_fresh_token_for_the_same_conversation(settings):
    socket, welcome = await open_chat()
    await socket.disconnect()
    resumed, again = await open_chat(welcome["token"])
    claim = read_token(again["token"])
    assert claim is not None and str(claim.public_id) == welcome["conversation"]
    assert claim.age_s() < settings.LADDER_TOKEN_IDLE_S
    await resumed.disconnect()


async def test_active_visitor_is_sent_a_new_token_frame_past_half_the_idle_time(settings):
    settings.LADDER_TOKEN_IDLE_S = 0  # every ack is past half of it
    socket, welcome = await open_chat()
    await send_message(socket, "Hello?")
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame["type"] == "token", frame
    claim = read_token(frame["token"])
    assert claim is not None and str(claim.public_id) == welcome["conversation"]
    await socket.disconnect()
    settings.LADDER_TOKEN_IDLE_S = 3600
    resumed, again = await open_chat(frame["token"])
    assert again["conversation"] == welcome["conversation"]
    await resumed.disconnect()


async def test_erasure_revokes_every_token_and_closes_open_sockets():
    socket, welcome = await open_chat()
    await send_message(socket, "My address is 1 Elm St")
    watcher, _ = await open_chat(welcome["token"])
    await database_sync_to_async(call_command)("erase_customer", welcome["token"], verbosity=0)
    for open_socket in (socket, watcher):
        # Whatever the socket was sent before, it ends with the revocation and a close.
        frames = []
        while True:
            output = await open_socket.receive_output(timeout=TIMEOUT_S)
            if output["type"] == "websocket.close":
                break
            frames.append(output["text"])
        assert '"code": "token_revoked"' in frames[-1]
        await open_socket.disconnect()
    error = await hello_refused(welcome["token"])
    assert error["code"] == "token_revoked"
    assert (await conversation(welcome["conversation"])).token_generation == 1


async def test_forged_generation_is_refused():
    socket, welcome = await open_chat()
    await socket.disconnect()
    token = make_token(read_token(welcome["token"]).public_id, 7)
    error = await hello_refused(token)
    assert error["code"] == "token_revoked"


async def test_token_from_before_tokens_expired_is_refused_as_invalid():
    socket, welcome = await open_chat()
    await socket.disconnect()
    legacy = signing.Signer(salt="ladder.conversation-token").sign(
        welcome["conversation"].replace("-", "")
    )
    error = await hello_refused(legacy)
    assert error["code"] == "bad_token"
