"""Nothing a customer wrote is forgotten: answers cut off by a dying process are closed, and
customer messages left without an answer are answered (on start-up or on the next resume)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import answer_tasks, leases
from .audit import append_event, seal_message, text_digest_data
from .dbthreads import in_conversation
from .live import publish_after_commit
from .models import Conversation, Message, MessageState, Role, Status

CUT_OFF_NOTICE = "(The answer was interrupted.)"
# With several processes: how often each looks for answers a dead process abandoned, and how
# long a customer's message waits unanswered before it counts as possibly abandoned (its
# holder's lease decides: a live process keeps it).
ABANDONED_CHECK_EVERY_S = 3.0
ABANDONED_AFTER_S = 15

logger = logging.getLogger("ladder.recovery")


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
    if leases.shared():
        await recover_if_abandoned(conversation_id)
        return
    # With one process (the in-memory layer) a stream this process is not running is dead.
    await in_conversation(conversation_id, close_dead_streams)(conversation_id, older_than_s=0)
    seq = await in_conversation(conversation_id, unanswered_customer_seq)(conversation_id)
    if seq is not None:
        answer_tasks.schedule_answer(conversation_id, seq, time.perf_counter())


async def recover_if_abandoned(conversation_id: int) -> bool:
    """With several processes: when no live process holds the conversation's lease, take it,
    close the answer its dead holder left streaming and answer the customer again (or hand
    the conversation to people, as any answer may). True if an answer was started."""
    if answer_tasks.is_answering(conversation_id):
        return False
    seq: int | None = None
    # Inside this process's turn: no answer of its own starts while streams are closed.
    async with answer_tasks.answering_turn(conversation_id):
        if not await leases.claim(conversation_id, wait=False):
            return False
        try:
            # Every live answer holds the lease, so any stream left here is a dead one's.
            await in_conversation(conversation_id, close_dead_streams)(
                conversation_id, older_than_s=0
            )
            seq = await in_conversation(conversation_id, unanswered_customer_seq)(conversation_id)
        finally:
            await leases.release(conversation_id)
    if seq is None:
        return False
    logger.warning("answering conversation %s again: its answer was abandoned", conversation_id)
    answer_tasks.schedule_answer(conversation_id, seq, time.perf_counter())
    return True


def possibly_abandoned(older_than_s: int, limit: int = 100) -> list[int]:
    """Conversations with the AI whose last message is a customer's left unanswered, or an
    answer still streaming, for `older_than_s` seconds: those a dead process may have left."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    last = Q(messages__seq=F("last_seq"))
    owed = Q(messages__role=Role.CUSTOMER, messages__created_at__lte=cutoff)
    cut_off = Q(messages__state=MessageState.STREAMING, messages__updated_at__lte=cutoff)
    return list(
        Conversation.objects.filter(last & (owed | cut_off), status=Status.AI)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


async def watch_for_abandoned_answers() -> None:
    """Every few seconds, in every process of a shared deployment: answer what a process
    that died left unanswered, whether or not its customer comes back."""
    while True:
        await asyncio.sleep(ABANDONED_CHECK_EVERY_S)
        try:
            found = await database_sync_to_async(possibly_abandoned)(ABANDONED_AFTER_S)
            for conversation_id in found:
                await recover_if_abandoned(conversation_id)
        except Exception:
            logger.exception("looking for abandoned answers failed")


_watcher: asyncio.Task[None] | None = None


def ensure_watching() -> None:
    global _watcher
    if not leases.shared():
        return
    loop = asyncio.get_running_loop()
    if _watcher is None or _watcher.done() or _watcher.get_loop() is not loop:
        _watcher = loop.create_task(watch_for_abandoned_answers())


def conversations_owed_an_answer() -> list[tuple[int, int]]:
    pairs = []
    for conversation_id in Conversation.objects.filter(status=Status.AI).values_list(
        "pk", flat=True
    ):
        seq = unanswered_customer_seq(conversation_id)
        if seq is not None:
            pairs.append((conversation_id, seq))
    return pairs
