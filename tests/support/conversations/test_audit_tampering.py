"""Someone with write access to the database, but not the audit key, cannot rewrite history
unnoticed: edited events or message texts, a conversation deleted whole, a cut chain or a
rolled-back ledger all fail `verify_audit`, even with every unkeyed hash recomputed."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from support.conversations import actions, agent_actions
from support.conversations.audit import (
    data_digest,
    event_hash,
    head_seal,
    ledger_seal,
    legacy_event_hash,
    message_text_mac,
)
from support.conversations.models import (
    AuditEvent,
    AuditLedger,
    Conversation,
    Message,
    Role,
)
from tests.plugins.personas import make_staff

pytestmark = pytest.mark.django_db


def answered_conversation() -> Conversation:
    """A question, the AI's answer, then an agent's reply."""
    conversation = actions.do_start_conversation(origin="http://127.0.0.1:8000")
    actions.do_record_customer_message(conversation.pk, client_id="q", text="Can I return it?")
    answer = actions.do_begin_assistant_message(conversation.pk, tier="fast", model="m")
    actions.do_finish_assistant_message(
        answer.pk,
        text="Yes, within 30 days.",
        interrupted=False,
        audit_kind="model.call",
        audit_data={"answer_seq": answer.seq},
        usage={},
    )
    agent = User.objects.filter(username="dana").first() or make_staff("dana", "Dana", "agents")
    actions.do_request_handoff(
        conversation.pk, reason="customer_request", actor="customer", notice="A person will answer."
    )
    agent_actions.do_claim_conversation(conversation.pk, agent)
    agent_actions.do_agent_reply(conversation.pk, agent, "Within 30 days, receipt needed.")
    return Conversation.objects.get(pk=conversation.pk)


def verify(capsys) -> tuple[bool, str]:
    try:
        call_command("verify_audit")
    except CommandError as failure:
        return False, capsys.readouterr().out + str(failure)
    return True, capsys.readouterr().out


def rehash_from(conversation: Conversation, *, keyed_with: str | None) -> None:
    """What a forger does after an edit: every digest and hash recomputed, the head rewritten;
    unkeyed SHA-256 (the old scheme), or keyed with a guessed key."""
    conversation = Conversation.objects.get(pk=conversation.pk)
    prev = ""
    for event in AuditEvent.objects.filter(conversation=conversation).order_by("index"):
        digest = data_digest(event.data)
        parts = (
            str(conversation.public_id),
            event.index,
            event.kind,
            event.actor,
            digest,
            event.created_at.isoformat(),
            prev,
        )
        if keyed_with is None:
            new_hash = legacy_event_hash(*parts)
        else:
            with override_settings(LADDER_AUDIT_KEY=keyed_with):
                new_hash = event_hash(conversation.audit_serial, *parts)
        AuditEvent.objects.filter(pk=event.pk).update(
            data_digest=digest, prev_hash=prev, hash=new_hash
        )
        prev = new_hash
    conversation.audit_head_hash = prev
    seal = hashlib.sha256(prev.encode()).hexdigest()
    if keyed_with is not None:
        with override_settings(LADDER_AUDIT_KEY=keyed_with):
            seal = head_seal(conversation)
    Conversation.objects.filter(pk=conversation.pk).update(
        audit_head_hash=prev, audit_head_seal=seal
    )


def test_untouched_trail_with_messages_of_every_role_verifies(capsys):
    answered_conversation()
    answered_conversation()
    ok, output = verify(capsys)
    assert ok, output
    assert "2 conversations" in output and "messages checked" in output


@pytest.mark.parametrize("keyed_with", [None, "a-guessed-key"], ids=["unkeyed", "wrong key"])
def test_edited_event_payload_fails_even_with_recomputed_hashes(capsys, keyed_with):
    conversation = answered_conversation()
    event = AuditEvent.objects.get(conversation=conversation, kind="handoff")
    AuditEvent.objects.filter(pk=event.pk).update(data={**event.data, "reason": "complaint"})
    rehash_from(conversation, keyed_with=keyed_with)
    ok, output = verify(capsys)
    assert not ok
    assert "content was edited" in output


@pytest.mark.parametrize("role", [Role.ASSISTANT, Role.AGENT, Role.CUSTOMER])
def test_edited_message_text_fails_even_with_a_recomputed_digest(capsys, role):
    conversation = answered_conversation()
    message = Message.objects.get(conversation=conversation, role=role)
    message.text = "Returns are not accepted."
    with override_settings(LADDER_AUDIT_KEY="a-guessed-key"):
        forged = message_text_mac(conversation, message)
    Message.objects.filter(pk=message.pk).update(text=message.text, text_mac=forged)
    ok, output = verify(capsys)
    assert not ok
    assert f"message {message.seq}'s text was edited" in output


def test_message_text_swapped_for_its_own_earlier_version_fails(capsys):
    # The row's digest may be put back with an old text, but the event that stored the answer
    # vouches for the final one.
    conversation = answered_conversation()
    answer = Message.objects.get(conversation=conversation, role=Role.ASSISTANT)
    empty = Message(seq=answer.seq, role=answer.role, author=answer.author, text="")
    Message.objects.filter(pk=answer.pk).update(
        text="", text_mac=message_text_mac(conversation, empty)
    )
    ok, output = verify(capsys)
    assert not ok
    assert f"message {answer.seq}'s text differs from what its event stored" in output


def test_deleted_message_fails(capsys):
    conversation = answered_conversation()
    Message.objects.filter(conversation=conversation, role=Role.AGENT).delete()
    ok, output = verify(capsys)
    assert not ok
    assert "was deleted" in output


def test_conversation_deleted_whole_fails(capsys):
    first = answered_conversation()
    answered_conversation()
    AuditEvent.objects.filter(conversation=first).delete()
    Message.objects.filter(conversation=first).delete()
    Conversation.objects.filter(pk=first.pk).delete()
    ok, output = verify(capsys)
    assert not ok
    assert "1 conversation(s) deleted whole (ledger serials 1)" in output


def test_last_conversation_deleted_and_ledger_rolled_back_fails(capsys):
    answered_conversation()
    last = answered_conversation()
    AuditEvent.objects.filter(conversation=last).delete()
    Message.objects.filter(conversation=last).delete()
    Conversation.objects.filter(pk=last.pk).delete()
    with override_settings(LADDER_AUDIT_KEY="a-guessed-key"):
        AuditLedger.objects.filter(pk=1).update(conversations=1, seal=ledger_seal(1))
    ok, output = verify(capsys)
    assert not ok
    assert "the site-wide ledger's count was altered" in output


def test_chain_cut_at_the_end_with_its_head_rewritten_fails(capsys):
    conversation = answered_conversation()
    last = AuditEvent.objects.get(conversation=conversation, index=conversation.audit_count)
    AuditEvent.objects.filter(pk=last.pk).delete()
    Conversation.objects.filter(pk=conversation.pk).update(
        audit_count=last.index - 1, audit_head_hash=last.prev_hash
    )
    ok, output = verify(capsys)
    assert not ok
    assert "the chain's head, length or last seq was altered" in output


def test_customer_message_event_carries_the_keyed_digest_of_the_text():
    conversation = answered_conversation()
    event = AuditEvent.objects.get(conversation=conversation, kind="message.customer")
    question = Message.objects.get(conversation=conversation, seq=event.data["seq"])
    assert event.data["text_seq"] == question.seq
    assert (
        event.data["text_digest"] == question.text_mac == message_text_mac(conversation, question)
    )
    # Keyed: the plain SHA-256 of the text is not it.
    assert event.data["text_digest"] != hashlib.sha256(question.text.encode()).hexdigest()
