"""`recover_conversations`: what a stopped process left half-done is closed and answered."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from support.conversations import actions
from support.conversations.models import Message, MessageState

pytestmark = pytest.mark.django_db(transaction=True)


def test_cut_off_answer_is_closed_and_the_customer_is_answered(demo_kb, capsys):
    conversation = actions.do_start_conversation()
    actions.do_record_customer_message(
        conversation.pk, client_id="q", text="How long does shipping take?"
    )
    # The process died mid-answer: a reserved answer row is left "streaming".
    actions.do_begin_assistant_message(conversation.pk, tier="fast", model="local")
    call_command("recover_conversations")
    assert (
        "1 interrupted answer(s) closed, 1 customer message(s) answered" in capsys.readouterr().out
    )
    messages = list(Message.objects.filter(conversation=conversation).order_by("seq"))
    assert [(m.seq, m.role, m.state) for m in messages] == [
        (1, "customer", MessageState.COMPLETE),
        (2, "assistant", MessageState.INTERRUPTED),
        (3, "assistant", MessageState.COMPLETE),
    ]
    assert "3 to 5 business days" in messages[2].text
    call_command("verify_audit")


def test_answered_conversations_are_left_alone(demo_kb, capsys):
    conversation = actions.do_start_conversation()
    actions.do_record_customer_message(conversation.pk, client_id="q", text="Hello")
    actions.do_post_system_message(conversation.pk, "Hi there")
    call_command("recover_conversations")
    assert (
        "0 interrupted answer(s) closed, 0 customer message(s) answered" in capsys.readouterr().out
    )
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_negative_older_than_is_refused():
    with pytest.raises(SystemExit):
        call_command("recover_conversations", "--older-than", "-1")
