"""A customer is answered in their language: detected from what they write, with the browser's
language as a hint, stored on the conversation (with the answer's reservation when the
preparation makes one) and shown to agents."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routing.providers import get_provider
from support.conversations import actions, preparing
from support.conversations.answer_run import AnswerRun, TakenOver
from support.conversations.models import Conversation, Status
from support.conversations.preparing import prepare
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


def prepare_first_question(text: str, provider: str = "local"):
    """A conversation opened in an English browser, its first question `text`, and the
    preparation of its answer: (the run, the statements the preparation sent)."""
    conversation = actions.do_start_conversation(language="en-US")
    asked = actions.do_record_customer_message(conversation.pk, client_id="q", text=text)
    run = AnswerRun(conversation.pk, asked.message.seq, time.perf_counter())
    with CaptureQueriesContext(connection) as queries:
        try:
            prepare(run, get_provider(provider))
        except TakenOver:
            pass
    return run, [query["sql"] for query in queries]


def stored_language(run: AnswerRun) -> str:
    return Conversation.objects.get(pk=run.conversation_id).language


def language_writes(statements: list[str]) -> list[str]:
    """The statements that write the conversation's language (on PostgreSQL the reservation's
    writes go as one statement, WITH ... UPDATE)."""
    row = f'UPDATE "{Conversation._meta.db_table}" SET '
    return [sql for sql in statements if row in sql and '"language" = ' in sql]


def test_a_first_questions_language_goes_with_the_answers_reservation():
    call_command("load_demo_kb", verbosity=0)
    run, statements = prepare_first_question("¿Cuánto tarda el envío exprés?")

    assert run.reserved is not None
    assert stored_language(run) == "es"
    # One write of the conversation's row: the reservation's, with the language in it.
    (write,) = language_writes(statements)
    assert '"last_seq"' in write


@pytest.mark.parametrize(
    "why", ["a person is wanted", "people took the conversation", "the day's cap is spent"]
)
def test_the_language_is_stored_when_no_reservation_takes_it(why, settings, monkeypatch):
    call_command("load_demo_kb", verbosity=0)
    question, provider = "¿Cuánto tarda el envío exprés?", "local"
    if why == "a person is wanted":
        question = "Quiero hablar con una persona, por favor"
    elif why == "people took the conversation":
        read_intent = preparing.read_intent

        def taken_meanwhile(text):
            Conversation.objects.update(status=Status.WAITING)
            return read_intent(text)

        monkeypatch.setattr(preparing, "read_intent", taken_meanwhile)
    else:
        settings.LADDER_PROVIDER = provider = "anthropic"
        settings.ANTHROPIC_API_KEY = "test"  # no call is made: the reservation is refused
        settings.LADDER_DAILY_SPEND_CAP_FAST_USD = 0

    run, statements = prepare_first_question(question, provider)

    assert run.reserved is None
    assert stored_language(run) == "es"
    # Written on its own, once (after a refused reservation rolled its own write back).
    assert language_writes(statements)[-1].startswith(
        f'UPDATE "{Conversation._meta.db_table}" SET "language" = '
    )
    assert len(language_writes(statements)) == (2 if why == "the day's cap is spent" else 1)
