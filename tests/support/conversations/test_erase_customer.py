"""`erase_customer`: a customer's words are erased, the audit chain still verifies."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from support.conversations import actions
from support.conversations.erasure import ERASED_TEXT
from support.conversations.models import AuditEvent, Conversation, Message
from support.conversations.tokens import make_token

pytestmark = pytest.mark.django_db


def conversation_of(email: str) -> Conversation:
    conversation = actions.do_start_conversation(
        origin="http://127.0.0.1:8000", client_ip="203.0.113.9"
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        customer_email=email, customer_name="Sam"
    )
    actions.do_record_customer_message(
        conversation.pk, client_id="1", text="My address is 1 Elm St"
    )
    actions.do_record_audit(
        conversation.pk, "routing.rules", "router", {"matched": True, "words": ["lawyer"]}
    )
    return Conversation.objects.get(pk=conversation.pk)


def test_erasing_by_email_removes_messages_and_personal_audit_data_and_chain_still_verifies(capsys):
    mine = conversation_of("sam@example.com")
    other = conversation_of("kim@example.com")
    call_command("erase_customer", "sam@example.com")
    assert list(Message.objects.filter(conversation=mine).values_list("text", flat=True)) == [
        ERASED_TEXT
    ]
    assert Conversation.objects.get(pk=mine.pk).customer_email == ""
    started = AuditEvent.objects.get(conversation=mine, kind="conversation.started")
    assert "client_ip" not in started.data
    erased = AuditEvent.objects.get(conversation=mine, kind="customer.erased")
    assert erased.data["messages"] == [1]
    # Someone else's conversation is untouched.
    assert Message.objects.get(conversation=other).text == "My address is 1 Elm St"
    call_command("verify_audit")
    assert "Audit trail intact" in capsys.readouterr().out


def test_erasing_by_token_works(capsys):
    mine = conversation_of("sam@example.com")
    call_command("erase_customer", make_token(mine.public_id))
    assert Message.objects.get(conversation=mine).text == ERASED_TEXT


def test_silently_blanking_audit_data_without_a_redaction_event_is_caught():
    mine = conversation_of("sam@example.com")
    AuditEvent.objects.filter(conversation=mine, kind="routing.rules").update(
        data={"redacted_by_event": 99}
    )
    with pytest.raises(CommandError, match="Audit trail broken"):
        call_command("verify_audit")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("not-an-email@", "not a valid email"),
        ("garbage-token", "not valid"),
        ("nobody@example.com", "No conversation found"),
    ],
)
def test_bad_or_unknown_customer_is_a_clear_error_and_erases_nothing(who, message):
    mine = conversation_of("sam@example.com")
    with pytest.raises(CommandError, match=message):
        call_command("erase_customer", who)
    assert Message.objects.get(conversation=mine).text == "My address is 1 Elm St"
