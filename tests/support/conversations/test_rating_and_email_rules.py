"""A rating is taken only for a resolved conversation, and changed only a few times; an email
address only once the follow-up was offered. Refused frames get a stable code and change
nothing."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations import actions
from support.conversations.models import AuditEvent, Conversation
from support.inbox.follow_up import offer_follow_ups
from tests.support.inbox.inbox import token_of, waiting_conversation

from .chat import TIMEOUT_S, open_chat

pytestmark = pytest.mark.django_db(transaction=True)


def conversation_state(public_id: str) -> tuple:
    conversation = Conversation.objects.get(public_id=public_id)
    events = AuditEvent.objects.filter(conversation=conversation)
    return (
        conversation.rating_score,
        conversation.rating_comment,
        conversation.customer_email,
        list(events.values_list("kind", flat=True)),
    )


def resolve(public_id: str) -> None:
    conversation = Conversation.objects.get(public_id=public_id)
    actions.do_change_status(
        conversation.pk, "resolved", reason="resolved_by_agent", actor="system"
    )


async def answer_to(socket, frame: dict) -> dict:
    """What the socket says to `frame` (a ping after it proves a silent success)."""
    await socket.send_json_to(frame)
    await socket.send_json_to({"type": "ping"})
    return await socket.receive_json_from(timeout=TIMEOUT_S)


async def test_a_rating_before_resolution_is_refused_and_changes_nothing():
    socket, welcome = await open_chat()
    before = await database_sync_to_async(conversation_state)(welcome["conversation"])
    refused = await answer_to(socket, {"type": "rating", "score": 1, "comment": "spam"})
    assert (refused["type"], refused["code"]) == ("error", "not_resolved")
    assert await socket.receive_json_from(timeout=TIMEOUT_S) == {"type": "pong"}
    after = await database_sync_to_async(conversation_state)(welcome["conversation"])
    assert after == before
    await socket.disconnect()


async def test_a_resolved_conversation_takes_a_rating_changed_a_few_times_not_more(settings):
    settings.LADDER_RATINGS_PER_RESOLUTION = 2
    socket, welcome = await open_chat()
    public_id = welcome["conversation"]
    await database_sync_to_async(resolve)(public_id)
    await socket.receive_json_from(timeout=TIMEOUT_S)  # the status frame
    assert await answer_to(socket, {"type": "rating", "score": 2}) == {"type": "pong"}
    # The same rating again is no change: nothing is stored or audited.
    assert await answer_to(socket, {"type": "rating", "score": 2}) == {"type": "pong"}
    assert await answer_to(socket, {"type": "rating", "score": 4, "comment": "Better"}) == {
        "type": "pong"
    }
    kept = await database_sync_to_async(conversation_state)(public_id)
    assert kept[:2] == (4, "Better")
    assert kept[3].count("rating") == 2
    refused = await answer_to(socket, {"type": "rating", "score": 1})
    assert refused["code"] == "rating_limit_reached"
    await socket.receive_json_from(timeout=TIMEOUT_S)  # its pong
    assert await database_sync_to_async(conversation_state)(public_id) == kept
    await socket.disconnect()


async def test_an_email_before_the_offer_is_refused_and_changes_nothing():
    conversation = await database_sync_to_async(waiting_conversation)()
    socket, welcome = await open_chat(token_of(conversation), conversation.last_seq)
    before = await database_sync_to_async(conversation_state)(welcome["conversation"])
    refused = await answer_to(socket, {"type": "email", "email": "kim@example.com"})
    assert (refused["type"], refused["code"]) == ("error", "follow_up_not_offered")
    after = await database_sync_to_async(conversation_state)(welcome["conversation"])
    assert after == before
    await socket.disconnect()


async def test_an_email_after_the_offer_is_kept_and_the_same_one_again_is_no_change(settings):
    settings.LADDER_OFFER_EMAIL_AFTER_S = 0
    conversation = await database_sync_to_async(waiting_conversation)()
    socket, welcome = await open_chat(token_of(conversation), conversation.last_seq)
    assert await database_sync_to_async(offer_follow_ups)() == 1
    offer = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert offer["offer"] == "email"
    await socket.send_json_to({"type": "email", "email": "kim@example.com"})
    assert await socket.receive_json_from(timeout=TIMEOUT_S) == {"type": "email_saved"}
    await socket.send_json_to({"type": "email", "email": "kim@example.com"})
    assert await socket.receive_json_from(timeout=TIMEOUT_S) == {"type": "email_saved"}
    state = await database_sync_to_async(conversation_state)(welcome["conversation"])
    assert state[2] == "kim@example.com"
    assert state[3].count("follow_up.email") == 1
    await socket.disconnect()
