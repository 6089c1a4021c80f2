"""When automatic assignment (LADDER_AUTO_ASSIGN) may have work: the state machine reports
every status change here, and after the commit `queue_moved` tells whoever assigns (the inbox,
which knows who is online; see assignment.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from .models import Conversation, Status

# A conversation began waiting (`conversation_id` names it), or an agent's place came free
# (`conversation_id` is None). Sent after the commit.
queue_moved = Signal()


def auto_assign_on() -> bool:
    return bool(settings.LADDER_AUTO_ASSIGN)


def note_status_change(conversation: Conversation, old_status: str, new_status: str) -> None:
    """A new wait, or an agent's conversation leaving them, is news once it commits."""
    if not auto_assign_on():
        return
    if new_status == Status.WAITING:
        conversation_id: int | None = conversation.pk
    elif old_status == Status.AGENT:
        conversation_id = None
    else:
        return
    transaction.on_commit(
        lambda: queue_moved.send(sender=Conversation, conversation_id=conversation_id)
    )
