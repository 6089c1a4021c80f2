"""Chores each server process runs in the background while it serves chats: closing
conversations the AI answered and the customer left, forgetting expired cached answers, and
those other apps add (the inbox's email follow-up to customers left waiting with nobody
online). Started by the first chat socket."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from channels.db import database_sync_to_async

logger = logging.getLogger("ladder.housekeeping")

CHECK_EVERY_S = 30.0
# Conversations closed per round at most, so one round stays short after a long pause.
IDLE_CLOSE_PER_ROUND = 200
_task: asyncio.Task[None] | None = None


def ensure_started() -> None:
    global _task
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_run_forever())
    from .recovery import ensure_watching

    # Several processes: answers a dead one abandoned are answered by the living.
    ensure_watching()


def close_idle_conversations() -> None:
    from .idle_close import close_idle_conversations, idle_close_minutes

    minutes = idle_close_minutes()
    if minutes <= 0:
        return
    closed = close_idle_conversations(minutes, limit=IDLE_CLOSE_PER_ROUND)
    if closed:
        logger.info("closed %s conversation(s) idle for %s minutes", closed, minutes)


def forget_expired_answers() -> None:
    from django.conf import settings

    from .answer_cache import forget_expired_answers

    forget_expired_answers(settings.LADDER_ANSWER_CACHE_TTL_S)


# Apps add their own chores when they start (the inbox: offering email follow-up), so this
# module needs to know none of them.
CHORES: list[Callable[[], None]] = [close_idle_conversations, forget_expired_answers]


def add_chore(chore: Callable[[], None]) -> None:
    if chore not in CHORES:
        CHORES.append(chore)


def run_chores() -> None:
    """One round of every chore; one that fails does not stop the others."""
    for chore in CHORES:
        try:
            chore()
        except Exception:
            logger.exception("housekeeping: %s failed", chore.__name__)


async def _run_forever() -> None:
    while True:
        await asyncio.sleep(CHECK_EVERY_S)
        await database_sync_to_async(run_chores)()
