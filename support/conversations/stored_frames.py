"""A conversation's stored messages as a customer socket's `message` frames: the history a
resuming widget lacks, and what a waiting socket missed when live events were lost."""

from __future__ import annotations

from typing import Any

from . import statements
from .dbthreads import in_conversation
from .models import AuditEvent, Message, MessageState, Role, Status
from .streaming import StoredTail


def as_frames(conversation_id: int, messages: list[Message]) -> list[dict[str, Any]]:
    """Stored messages as `message` frames; an email follow-up offer keeps its `offer`, so a
    widget that resumes elsewhere still shows the address field."""
    offered: set[int] = set()
    if any(m.role == Role.SYSTEM for m in messages):
        offered = {
            event.data.get("seq")
            for event in AuditEvent.objects.filter(
                conversation_id=conversation_id, kind="follow_up.offered"
            ).only("data")
        }
    return [
        {**m.as_frame(), "offer": "email"} if m.seq in offered else m.as_frame() for m in messages
    ]


def stored_history(conversation_id: int, last_seq: int) -> list[dict[str, Any]]:
    """The stored messages after last_seq as `message` frames."""
    return as_frames(
        conversation_id,
        [
            m
            for m in statements.visible_messages_from(conversation_id, last_seq + 1)
            if m.state != MessageState.STREAMING
        ],
    )


def stored_from(conversation_id: int, seq: int) -> StoredTail:
    """What a socket that has everything up to `seq` lacks, and whether an answer is owed."""
    messages = statements.visible_messages_from(conversation_id, seq)
    conversation = statements.conversation_row(conversation_id)
    stored = [m for m in messages if m.seq > seq and m.state != MessageState.STREAMING]
    streaming = any(m.state == MessageState.STREAMING for m in messages)
    last_is_customers = bool(messages) and messages[-1].role == Role.CUSTOMER
    return StoredTail(
        frames=as_frames(conversation_id, stored),
        reply_owed=conversation is not None
        and conversation.status == Status.AI
        and (streaming or last_is_customers),
    )


async def read_stored(conversation_id: int, seq: int) -> StoredTail:
    return await in_conversation(conversation_id, stored_from)(conversation_id, seq)
