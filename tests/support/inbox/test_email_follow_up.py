"""A customer left waiting with nobody online is offered an email follow-up, once per wait."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from support.conversations import agent_actions
from support.conversations.actions import ActionRefused
from support.conversations.models import AuditEvent, Conversation, Message
from support.inbox import presence
from support.inbox.follow_up import offer_follow_ups

from .inbox import waiting_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def offer_after_two_minutes(settings):
    settings.LADDER_OFFER_EMAIL_AFTER_S = 120


def waited_minutes(conversation: Conversation, minutes: int) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(
        waiting_since=timezone.now() - timedelta(minutes=minutes)
    )


def offers(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(text=agent_actions.FOLLOW_UP_OFFER))


def test_offer_goes_to_customers_waiting_too_long_with_nobody_online():
    long_wait = waiting_conversation()
    short_wait = waiting_conversation()
    waited_minutes(long_wait, 5)
    assert offer_follow_ups() == 1
    assert len(offers(long_wait)) == 1
    assert offers(short_wait) == []
    event = AuditEvent.objects.get(conversation=long_wait, kind="follow_up.offered")
    assert event.actor == "system" and event.data["waited_s"] >= 300


def test_no_offer_while_an_agent_is_online(dana):
    conversation = waiting_conversation()
    waited_minutes(conversation, 5)
    presence.socket_opened(dana.pk)
    assert offer_follow_ups() == 0
    presence.socket_closed(dana.pk)
    assert offer_follow_ups() == 1


def test_an_agent_whose_heartbeat_stopped_counts_as_offline(dana, settings):
    settings.LADDER_PRESENCE_TIMEOUT_S = 60
    conversation = waiting_conversation()
    waited_minutes(conversation, 5)
    presence.socket_opened(dana.pk)  # their process then died without closing the socket
    dana.inbox_presence.__class__.objects.filter(agent=dana).update(
        last_seen_at=timezone.now() - timedelta(minutes=2)
    )
    assert offer_follow_ups() == 1


def test_offer_is_made_once_per_wait():
    conversation = waiting_conversation()
    waited_minutes(conversation, 5)
    offer_follow_ups()
    offer_follow_ups()
    assert len(offers(conversation)) == 1


def test_management_command_runs_the_rule():
    conversation = waiting_conversation()
    waited_minutes(conversation, 5)
    out = StringIO()
    call_command("offer_email_follow_up", stdout=out)
    assert "Offered email follow-up in 1 conversation(s)." in out.getvalue()


def test_customer_email_is_kept_on_the_conversation_not_in_the_audit_trail():
    conversation = waiting_conversation()
    waited_minutes(conversation, 5)
    assert offer_follow_ups() == 1
    agent_actions.do_record_follow_up_email(conversation.pk, "kim@example.com")
    conversation.refresh_from_db()
    assert conversation.customer_email == "kim@example.com"
    event = AuditEvent.objects.get(conversation=conversation, kind="follow_up.email")
    assert "kim@example.com" not in str(event.data)
    with pytest.raises(ActionRefused):
        agent_actions.do_record_follow_up_email(conversation.pk, "not an email")


@pytest.mark.django_db(transaction=True)
async def test_the_widget_is_told_to_show_its_email_field():
    from channels.db import database_sync_to_async

    from tests.support.conversations.chat import TIMEOUT_S, open_chat

    from .inbox import token_of

    conversation = await database_sync_to_async(waiting_conversation)()
    await database_sync_to_async(waited_minutes)(conversation, 5)
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    assert await database_sync_to_async(offer_follow_ups)() == 1
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert (frame["type"], frame["role"], frame["offer"]) == ("message", "system", "email")
    assert frame["text"] == agent_actions.FOLLOW_UP_OFFER
    await socket.disconnect()
