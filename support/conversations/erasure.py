"""Erasing what a customer told us, at their request or when retention ends, while the audit
trail stays verifiable."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .actions import _locked
from .answer_cache import forget_answers_of
from .audit import REDACTED_KEY, TEXT_DIGEST_KEY, append_event, seal_message
from .live import publish_after_commit
from .models import AuditEvent, Conversation, Message, Role
from .rows import update_row

# Audit data keys that carry personal data or text (the rest are counts, ids, scores and
# decisions): addresses, the words a rule matched, client ids, AI drafts, and the keyed
# digests of erased texts.
PERSONAL_AUDIT_KEYS = frozenset(
    {"client_ip", "words", "origin", "client_id", "draft", "comment", "email", TEXT_DIGEST_KEY}
)
ERASED_TEXT = "[erased at the customer's request]"
# Every role whose messages may hold what the customer told us (agents and the AI repeat it).
PERSONAL_ROLES = (Role.CUSTOMER, Role.ASSISTANT, Role.AGENT)


def do_erase_conversation(conversation_id: int, *, actor: str, why: str) -> dict[str, int]:
    """Erase every personal text of a conversation (the customer's, the AI's and the agents'
    messages and notes, client ids, AI drafts and addresses in the audit trail, the cached
    copy of its question) and revoke its tokens, keeping the trail verifiable: erased events
    carry a marker naming the redaction event appended after them, erased messages a fresh
    keyed digest of the erasure notice."""

    with transaction.atomic():
        conversation = _locked(conversation_id)
        messages = list(
            Message.objects.filter(conversation=conversation, role__in=PERSONAL_ROLES)
            .exclude(text=ERASED_TEXT, client_id=None)
            .order_by("seq")
        )
        now = timezone.now()
        for message in messages:
            message.text = ERASED_TEXT
            message.client_id = None
            update_row(
                Message,
                message.pk,
                text=ERASED_TEXT,
                client_id=None,
                text_mac=seal_message(conversation, message),
            )
        erased_seqs = [m.seq for m in messages]
        redaction_index = conversation.audit_count + 1
        personal_events = [
            event.pk
            for event in conversation.audit_events.all()
            if REDACTED_KEY not in event.data and PERSONAL_AUDIT_KEYS & event.data.keys()
        ]
        indexes = list(
            conversation.audit_events.filter(pk__in=personal_events).values_list("index", flat=True)
        )
        # Deliberately around the model's append-only guard: the chain covers data by digest.
        AuditEvent.objects.filter(pk__in=personal_events).update(
            data={REDACTED_KEY: redaction_index}
        )
        conversation.token_generation += 1
        Conversation.objects.filter(pk=conversation.pk).update(
            customer_name="",
            customer_email="",
            rating_comment="",
            token_generation=conversation.token_generation,
            erased_at=now,
        )
        append_event(
            conversation,
            "customer.erased",
            actor,
            {"why": why, "messages": erased_seqs, "events": indexes},
        )
        forget_answers_of(conversation.public_id.hex)
        # Sockets still open on the conversation are told and closed.
        publish_after_commit(conversation.group_name, {"type": "chat.revoked"})
    return {"messages": len(erased_seqs), "events": len(indexes)}
