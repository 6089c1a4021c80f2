"""The first-response target in the queue: a conversation still awaiting a person's first reply
is marked in words "Near target" from 80 % of LADDER_FIRST_RESPONSE_TARGET_MINUTES on and
"Past target" after it; a reply to the customer stops the clock, a note does not."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from support.conversations import agent_actions
from support.conversations.models import Conversation

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def five_minute_target(settings):
    settings.LADDER_FIRST_RESPONSE_TARGET_MINUTES = 5


def handed_off_ago(conversation: Conversation, seconds: int) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(
        waiting_since=timezone.now() - timedelta(seconds=seconds)
    )


def row_of(client, conversation: Conversation, tab: str = "open") -> str:
    html = client.get(reverse("inbox:queue"), {"tab": tab}).content.decode()
    match = re.search(
        rf'<tr data-conversation="{conversation.public_id}".*?</tr>', html, flags=re.DOTALL
    )
    assert match, "the conversation is not in the queue"
    return match.group(0)


def target_label(row: str) -> str:
    found = re.search(r'<span class="first-response" data-state="(\w+)"[^>]*>([^<]*)</span>', row)
    return f"{found.group(1)}: {found.group(2)}" if found else "no clock"


def test_a_fresh_handoff_is_within_the_target(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    handed_off_ago(conversation, 60)
    assert target_label(row_of(client, conversation)) == "within: "


def test_from_80_percent_of_the_target_a_waiting_row_says_near_target(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    handed_off_ago(conversation, 4 * 60 + 5)  # 4 min 5 s of 5 min: past 80 %
    row = row_of(client, conversation, "waiting")
    assert target_label(row) == "near: Near target"
    assert "first-response-near" in row


def test_after_the_target_a_waiting_row_says_past_target(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    handed_off_ago(conversation, 6 * 60)
    row = row_of(client, conversation, "waiting")
    assert target_label(row) == "past: Past target"
    # The page's script moves a row on from "near" to "past" by these times.
    assert "data-due-at=" in row and "data-near-at=" in row


def test_a_claim_alone_does_not_stop_the_clock_nor_does_a_note(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    agent_actions.do_add_note(conversation.pk, dana, "Checking the order system first.")
    handed_off_ago(conversation, 10 * 60)
    assert target_label(row_of(client, conversation, "mine")) == "past: Past target"


def test_a_reply_to_the_customer_stops_the_clock(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    handed_off_ago(conversation, 10 * 60)
    agent_actions.do_agent_reply(conversation.pk, dana, "Hello, I'm looking into it now.")
    assert target_label(row_of(client, conversation, "mine")) == "no clock"


def test_the_queue_states_the_target(client, dana):
    client.force_login(dana)
    waiting_conversation()
    html = client.get(reverse("inbox:queue")).content.decode()
    assert "First-response target: 5 minutes" in html


def test_with_no_target_nothing_is_marked(client, dana, settings):
    settings.LADDER_FIRST_RESPONSE_TARGET_MINUTES = 0
    client.force_login(dana)
    conversation = waiting_conversation()
    handed_off_ago(conversation, 60 * 60)
    assert target_label(row_of(client, conversation, "waiting")) == "no clock"
    assert "First-response target" not in client.get(reverse("inbox:queue")).content.decode()
