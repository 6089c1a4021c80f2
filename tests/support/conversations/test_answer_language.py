"""A customer is answered in their language: detected from what they write, with the browser's
language as a hint, stored on the conversation and shown to agents."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command

from support.conversations.models import Conversation
from tests.plugins.personas import chat_socket
from tests.support.conversations.chat import TIMEOUT_S, frames_until, send_message, streamed_text

pytestmark = pytest.mark.django_db(transaction=True)


async def open_chat_in(language: str):
    socket = chat_socket()
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "hello", "token": None, "last_seq": 0, "language": language})
    welcome = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert welcome["type"] == "welcome", welcome
    return socket, welcome


async def test_a_spanish_question_gets_the_spanish_version_of_the_article():
    await sync_to_async(call_command)("load_demo_kb", verbosity=0)
    socket, _ = await open_chat_in("es-ES")
    try:
        ack = await send_message(socket, "¿Cuánto tarda el envío exprés?")
        frames = await frames_until(socket, "message_end")
        answer = streamed_text(frames, ack["seq"] + 1)
    finally:
        await socket.disconnect()
    assert answer.startswith("Esto es lo que puedo decirte:")
    assert "El envío exprés tarda de 1 a 2 días hábiles" in answer
    assert "/help/shipping-times/?lang=es" in answer
    conversation = await Conversation.objects.aget()
    assert (conversation.language, conversation.browser_language) == ("es", "es-ES")


async def test_the_text_outweighs_the_browser_language():
    await sync_to_async(call_command)("load_demo_kb", verbosity=0)
    socket, _ = await open_chat_in("en-US")
    try:
        ack = await send_message(socket, "Wie lange dauert die Lieferung nach Hause?")
        frames = await frames_until(socket, "message_end")
        answer = streamed_text(frames, ack["seq"] + 1)
    finally:
        await socket.disconnect()
    assert answer.startswith("Dazu kann ich Ihnen Folgendes sagen:")
    conversation = await Conversation.objects.aget()
    assert conversation.language == "de"
