"""Erasure covers every personal text of a conversation (every role's messages and notes, AI
drafts in the audit trail, the cached copy of the question, client ids) and keeps the trail
verifiable; retention erases again what was written after an erasure, and only that."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from routing.providers import Passage
from support.conversations import actions, agent_actions
from support.conversations.answer_cache import store_answer
from support.conversations.erasure import ERASED_TEXT
from support.conversations.ledger_models import CachedAnswer
from support.conversations.models import AuditEvent, Conversation, Message, Role
from tests.plugins.personas import make_staff

pytestmark = pytest.mark.django_db

SECRET = "my card ends 4242"


def full_conversation() -> Conversation:
    """A customer's question, the AI's answer, cached; an agent's reply and note; an AI draft."""
    conversation = actions.do_start_conversation(
        origin="http://127.0.0.1:8000", client_ip="203.0.113.9"
    )
    actions.do_record_customer_message(conversation.pk, client_id="c-1", text=f"Hi, {SECRET}")
    answer = actions.do_begin_assistant_message(conversation.pk, tier="fast", model="m")
    actions.do_finish_assistant_message(
        answer.pk,
        text=f"I see {SECRET}.",
        interrupted=False,
        audit_kind="model.call",
        audit_data={"answer_seq": answer.seq},
        usage={},
    )
    store_answer(
        "k" * 64,
        f"Hi, {SECRET}",
        f"I see {SECRET}.",
        provider="anthropic",
        tier="fast",
        model="m",
        prompt_version="1",
        confidence=0.9,
        passages=[Passage(1, "Cards", "We take cards.", 0.5)],
        conversation=conversation.public_id.hex,
    )
    agent = make_staff("dana", "Dana", "agents")
    actions.do_request_handoff(
        conversation.pk, reason="customer_request", actor="customer", notice="A person will answer."
    )
    agent_actions.do_claim_conversation(conversation.pk, agent)
    agent_actions.do_agent_reply(conversation.pk, agent, f"Thanks, noted {SECRET}.")
    agent_actions.do_add_note(conversation.pk, agent, f"Customer said {SECRET}")
    actions.do_record_audit(
        conversation.pk, "draft.created", "agent:dana", {"draft": f"Dear customer, {SECRET}"}
    )
    return Conversation.objects.get(pk=conversation.pk)


def personal_texts_left(conversation: Conversation) -> list[str]:
    texts = list(Message.objects.filter(conversation=conversation).values_list("text", flat=True))
    events = [str(e.data) for e in AuditEvent.objects.filter(conversation=conversation)]
    cached = list(CachedAnswer.objects.values_list("question", "text"))
    return [t for t in [*texts, *events, *map(str, cached)] if SECRET in t or "c-1" in t]


def test_erasure_leaves_no_personal_text_of_any_role_and_the_trail_verifies(capsys):
    conversation = full_conversation()
    assert personal_texts_left(conversation)
    call_command("erase_customer", str(make_token_for(conversation)), verbosity=0)
    assert personal_texts_left(conversation) == []
    roles = dict(Message.objects.filter(conversation=conversation).values_list("role", "text"))
    assert roles[Role.CUSTOMER] == roles[Role.ASSISTANT] == roles[Role.AGENT] == ERASED_TEXT
    assert not Message.objects.filter(conversation=conversation, client_id__isnull=False).exists()
    # The system's own notices are not personal and stay.
    assert Message.objects.filter(
        conversation=conversation, role=Role.SYSTEM, text="A person will answer."
    ).exists()
    call_command("verify_audit")
    assert "Audit trail intact" in capsys.readouterr().out


def make_token_for(conversation: Conversation) -> str:
    from support.conversations.tokens import make_token

    return make_token(conversation.public_id, conversation.token_generation)


def age(conversation: Conversation, days: int, *, erased_days: int | None = None) -> None:
    """As if the conversation was last written to `days` ago (and erased `erased_days` ago)."""
    ago = {"updated_at": timezone.now() - timedelta(days=days)}
    if erased_days is not None:
        ago["erased_at"] = timezone.now() - timedelta(days=erased_days)
    Conversation.objects.filter(pk=conversation.pk).update(**ago)


def erasures(conversation: Conversation) -> int:
    return AuditEvent.objects.filter(conversation=conversation, kind="customer.erased").count()


def test_retention_erases_a_conversation_once_and_leaves_it_alone_after(capsys):
    conversation = full_conversation()
    age(conversation, 40)
    call_command("apply_retention", "--days", "30")
    assert erasures(conversation) == 1
    assert personal_texts_left(conversation) == []
    call_command("apply_retention", "--days", "30")
    call_command("apply_retention", "--days", "30")
    # Nothing new to erase: no second erasure event on every run.
    assert erasures(conversation) == 1
    assert "Erased 0 conversation(s)" in capsys.readouterr().out.splitlines()[-1]


def test_retention_erases_what_was_written_after_an_erasure_once_that_is_old(capsys):
    conversation = full_conversation()
    call_command("erase_customer", make_token_for(conversation), verbosity=0)
    age(conversation, 50, erased_days=50)
    # Later, the conversation went on: an agent wrote to the customer again.
    agent = make_staff("kim", "Kim", "agents")
    agent_actions.do_transfer_conversation(
        conversation.pk, Conversation.objects.get(pk=conversation.pk).assigned_agent, agent
    )
    agent_actions.do_agent_reply(conversation.pk, agent, f"About {SECRET} again")
    call_command("apply_retention", "--days", "30")
    assert erasures(conversation) == 1  # still fresh: kept
    age(conversation, 40, erased_days=50)
    call_command("apply_retention", "--days", "30")
    assert erasures(conversation) == 2
    assert personal_texts_left(conversation) == []
    call_command("verify_audit")
    assert "Audit trail intact" in capsys.readouterr().out
