"""Answers as tasks of their own: an answer belongs to the conversation, not to the socket, so
a widget that drops mid-answer loses nothing. Answers in one conversation run one at a time;
whatever breaks one, the customer keeps a way to a person."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from routing import reasons

from . import leases
from .answer_run import AnswerRun, TakenOver
from .answering import answer
from .handoff import hand_off
from .streaming import end_live_stream

logger = logging.getLogger("ladder.answering")

_tasks: set[asyncio.Task[None]] = set()
_locks: dict[int, asyncio.Lock] = {}


def schedule_answer(
    conversation_id: int, customer_seq: int, acked_at: float, client_address: str = ""
) -> asyncio.Task[None]:
    """Start answering in a task of its own; answers in one conversation run one at a time.
    `client_address` (as limits count it) is whose spend budget the answer's calls use."""
    task = asyncio.create_task(
        answer_customer_message(conversation_id, customer_seq, acked_at, client_address)
    )
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


async def wait_for_answers() -> None:
    """Wait until every answer task of this process has finished (tests, shutdown)."""
    loop = asyncio.get_running_loop()
    while True:
        # A task whose loop has closed never runs its done callback (nor, if unfinished, on):
        # forget it here, or this would spin on it for ever.
        _tasks.difference_update([t for t in _tasks if t.done() or t.get_loop() is not loop])
        if not _tasks:
            return
        await asyncio.gather(*list(_tasks), return_exceptions=True)


def is_answering(conversation_id: int) -> bool:
    lock = _locks.get(conversation_id)
    return lock is not None and lock.locked()


async def answer_customer_message(
    conversation_id: int, customer_seq: int, acked_at: float, client_address: str = ""
) -> None:
    async with answering_turn(conversation_id):
        await leases.claim(conversation_id)  # one process answers a conversation at a time
        run = AnswerRun(conversation_id, customer_seq, acked_at, client_address)
        try:
            await answer(run)
            await run.flush_audit()
        except TakenOver:
            await run.flush_audit()
        except Exception:
            # Whatever broke, the customer keeps a way to a person.
            logger.exception(
                "answering conversation %s failed; handing it to people", conversation_id
            )
            await hand_off(
                conversation_id,
                reasons.PROVIDER_ERROR,
                {"error": "internal"},
                None,
                run.take_audit(),
            )
        finally:
            await run.release_spend()
            end_live_stream(conversation_id)
            await leases.release(conversation_id)


@contextlib.asynccontextmanager
async def answering_turn(conversation_id: int) -> AsyncIterator[None]:
    """This process's turn in the conversation: wait for its other answers there to end and
    keep new ones out until the block ends (recovery closes cut-off answers inside it)."""
    lock = _locks.setdefault(conversation_id, asyncio.Lock())
    try:
        async with lock:
            yield
    finally:
        # Forget the lock once nobody holds or waits for it (checked after releasing it).
        if not lock.locked() and not lock._waiters and _locks.get(conversation_id) is lock:
            del _locks[conversation_id]
