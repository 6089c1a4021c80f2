"""`verify_audit` catches an edited, a deleted and a reordered audit event."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command

from support.conversations import actions
from support.conversations.models import AuditEvent, Conversation

pytestmark = pytest.mark.django_db


def conversation_with_story() -> Conversation:
    conversation = actions.do_start_conversation(origin="http://127.0.0.1:8000")
    actions.do_record_customer_message(conversation.pk, client_id="a", text="Where is my order?")
    actions.do_record_audit(conversation.pk, "routing.rules", "router", {"matched": False})
    actions.do_request_handoff(
        conversation.pk, reason="customer_request", actor="customer", notice="A person will answer."
    )
    conversation.refresh_from_db()
    return conversation


def verify(capsys) -> tuple[bool, str]:
    try:
        call_command("verify_audit")
    except CommandError as failure:
        return False, capsys.readouterr().out + str(failure)
    return True, capsys.readouterr().out


def test_events_written_together_link_one_after_another_and_verify(capsys):
    # An answer writes the router's events in one statement: they must chain like single ones.
    conversation = actions.do_start_conversation(origin="http://127.0.0.1:8000")
    actions.do_record_customer_message(conversation.pk, client_id="a", text="Shipping?")
    entries = [
        ("routing.rules", "router", {"matched": False}),
        ("routing.retrieval", "router", {"top_score": 0.9}),
        ("routing.decision", "router", {"action": "call_model", "when": "2025-01-01"}),
    ]
    message = actions.do_begin_assistant_message(
        conversation.pk, tier="fast", model="claude-haiku-5-5", audit_before=entries
    )

    events = list(AuditEvent.objects.filter(conversation=conversation).order_by("index"))
    assert [e.kind for e in events][-3:] == [kind for kind, _, _ in entries]
    assert [e.index for e in events] == list(range(1, len(events) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert events[-1].data == {"action": "call_model", "when": "2025-01-01"}
    conversation.refresh_from_db()
    assert (conversation.audit_count, conversation.audit_head_hash) == (
        len(events),
        events[-1].hash,
    )
    stored = conversation.messages.get(seq=message.seq)
    assert (stored.pk, stored.state, stored.model) == (message.pk, "streaming", "claude-haiku-5-5")
    ok, output = verify(capsys)
    assert ok, output


def test_untouched_trail_verifies(capsys):
    conversation_with_story()
    conversation_with_story()
    ok, output = verify(capsys)
    assert ok, output
    assert "Audit trail intact: 2 conversations" in output


def test_edited_event_is_reported(capsys):
    conversation = conversation_with_story()
    # Someone rewrites history straight in the database, bypassing the model's guard.
    AuditEvent.objects.filter(conversation=conversation, index=2).update(data={"seq": 99})
    ok, output = verify(capsys)
    assert not ok
    assert "event 2: content was edited" in output


def test_deleted_event_in_the_middle_is_reported(capsys):
    conversation = conversation_with_story()
    AuditEvent.objects.filter(conversation=conversation, index=3).delete()
    ok, output = verify(capsys)
    assert not ok
    assert "event 4" in output and "missing or out of order" in output


def test_deleted_last_event_is_reported(capsys):
    conversation = conversation_with_story()
    last = conversation.audit_count
    AuditEvent.objects.filter(conversation=conversation, index=last).delete()
    ok, output = verify(capsys)
    assert not ok
    assert f"chain ends at event {last - 1} but {last} were written" in output


def test_reordered_events_are_reported(capsys):
    conversation = conversation_with_story()
    # Swap the positions of events 2 and 3.
    AuditEvent.objects.filter(conversation=conversation, index=2).update(index=1000)
    AuditEvent.objects.filter(conversation=conversation, index=3).update(index=2)
    AuditEvent.objects.filter(conversation=conversation, index=1000).update(index=3)
    ok, output = verify(capsys)
    assert not ok
    assert "does not link to the event before it" in output


def test_audit_events_refuse_to_be_changed_or_deleted_through_the_model():
    conversation = conversation_with_story()
    event = AuditEvent.objects.filter(conversation=conversation).first()
    event.kind = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_unknown_conversation_argument_is_a_clear_error():
    with pytest.raises(CommandError, match="No conversation 'nope'"):
        call_command("verify_audit", "--conversation", "nope")
