"""Nothing a customer wrote is forgotten: answers cut off by a dying process are closed, and
customer messages left without an answer are answered (on start-up or on the next resume)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import answer_tasks
from .audit import append_event, seal_message, text_digest_data
from .dbthreads import in_conversation
from .live import publish_after_commit
from .models import Conversation, Message, MessageState, Role, Status
from .streaming import one_process

CUT_OFF_NOTICE = "(The answer was interrupted.)"


def close_dead_streams(
    conversation_id: int | None = None, *, older_than_s: int | None = None
) -> int:
    """Mark answers left "streaming" by a process that died as interrupted; returns how many."""
    cutoff = timezone.now() - timedelta(
        seconds=settings.LADDER_STALE_STREAM_S if older_than_s is None else older_than_s
    )
    stale = Message.objects.filter(state=MessageState.STREAMING, updated_at__lte=cutoff)
    if conversation_id is not None:
        stale = stale.filter(conversation_id=conversation_id)
    closed = 0
    for message_id, conv_id in stale.values_list("pk", "conversation_id"):
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=conv_id)
            message = Message.objects.get(pk=message_id)
            if message.state != MessageState.STREAMING:
                continue
            message.state = MessageState.INTERRUPTED
            message.text = (message.text + "\n\n" + CUT_OFF_NOTICE).strip()
            seal_message(conversation, message)
            message.save()
            append_event(
                conversation,
                "message.interrupted",
                "system",
                {"answer_seq": message.seq, **text_digest_data(message)},
            )
            publish_after_commit(
                conversation.group_name, {"type": "chat.message", "frame": message.as_frame()}
            )
            closed += 1
    return closed


def unanswered_customer_seq(conversation_id: int) -> int | None:
    """The seq of the customer's last message if the AI still owes it an answer."""
    conversation = Conversation.objects.get(pk=conversation_id)
    if conversation.status != Status.AI:
        return None
    last = (
        conversation.messages.filter(internal=False)
        .exclude(state__in=[MessageState.STREAMING, MessageState.INTERRUPTED])
        .order_by("-seq")
        .first()
    )
    if last is None or last.role != Role.CUSTOMER:
        return None
    if conversation.messages.filter(state=MessageState.STREAMING).exists():
        return None
    return last.seq


async def resume_unanswered(conversation_id: int) -> None:
    """On a resume: if this process is not answering and the last answer died, answer now."""
    if answer_tasks.is_answering(conversation_id):
        return
    # With one process (the in-memory layer) a stream this process is not running is dead.
    await in_conversation(conversation_id, close_dead_streams)(
        conversation_id, older_than_s=0 if one_process() else None
    )
    seq = await in_conversation(conversation_id, unanswered_customer_seq)(conversation_id)
    if seq is not None:
        answer_tasks.schedule_answer(conversation_id, seq, time.perf_counter())


def conversations_owed_an_answer() -> list[tuple[int, int]]:
    pairs = []
    for conversation_id in Conversation.objects.filter(status=Status.AI).values_list(
        "pk", flat=True
    ):
        seq = unanswered_customer_seq(conversation_id)
        if seq is not None:
            pairs.append((conversation_id, seq))
    return pairs
