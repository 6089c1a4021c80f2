"""Chores each server process runs in the background while it serves chats: offering email
follow-up to customers left waiting with nobody online. Started by the first chat socket."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async

logger = logging.getLogger("ladder.housekeeping")

CHECK_EVERY_S = 30.0
_task: asyncio.Task[None] | None = None


def ensure_started() -> None:
    global _task
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_run_forever())


async def _run_forever() -> None:
    from support.inbox.follow_up import offer_follow_ups

    while True:
        await asyncio.sleep(CHECK_EVERY_S)
        with contextlib.suppress(Exception):
            offered = await database_sync_to_async(offer_follow_ups)()
            if offered:
                logger.info("offered email follow-up in %s conversation(s)", offered)
