"""Handing a conversation the AI has to people: when the router decides so, when answering
failed, or when the customer asks; the customer is told their place in the queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from routing import reasons

from . import actions
from .dbthreads import in_conversation
from .i18n import speaking, stored_language
from .models import Conversation, Message, Status


def queue_length(conversation_id: int) -> int:
    """How many other conversations wait for a person."""
    return Conversation.objects.filter(status=Status.WAITING).exclude(pk=conversation_id).count()


def _notice(conversation_id: int, reason: str) -> str:
    with speaking(stored_language(conversation_id)):
        return reasons.handoff_notice(reason, queue_length(conversation_id))


async def hand_off(
    conversation_id: int,
    reason: str,
    details: dict[str, Any],
    reserved: Message | None,
    audit_before: Sequence[actions.AuditEntry] = (),
) -> None:
    """The router hands the conversation to people; the notice takes the seq an answer had
    reserved and never showed, if there is one."""

    def run() -> None:
        actions.do_request_handoff(
            conversation_id,
            reason=reason,
            actor="router",
            notice=_notice(conversation_id, reason),
            details=details,
            reserved_message_id=reserved.pk if reserved else None,
            audit_before=audit_before,
        )

    await in_conversation(conversation_id, run)()


async def request_person(conversation_id: int) -> None:
    """The customer pressed "talk to a person"."""

    def run() -> None:
        actions.do_request_handoff(
            conversation_id,
            reason=reasons.CUSTOMER_REQUEST,
            actor="customer",
            notice=_notice(conversation_id, reasons.CUSTOMER_REQUEST),
            details={"via": "handoff_button"},
        )

    await in_conversation(conversation_id, run)()
