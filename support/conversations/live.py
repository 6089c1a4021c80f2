"""Live events to the sockets watching a conversation (and the staff inbox), sent after commit."""

from __future__ import annotations

import asyncio
import logging
import os
import weakref
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

INBOX_GROUP = "inbox"

logger = logging.getLogger("ladder.live")

# The newest publish handed to each event loop: every publish waits for the one before it, so
# events reach the layer in commit order.
_last_publish: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]] = (
    weakref.WeakKeyDictionary()
)


def conversation_group(public_id_hex: str) -> str:
    return f"conversation.{public_id_hex}"


def publish_after_commit(group: str, event: dict[str, Any]) -> None:
    """Send `event` to `group` once the surrounding transaction commits; never for a rollback.

    From the database thread of a running event loop (consumers, views under Daphne), the send
    is handed to that loop and the thread goes on: waiting for a busy loop, and with Redis for
    the publish behind the streams' own, would hold up every other conversation's database
    work behind it (the message writer's next commit, so the next acks, among them). Handed
    sends go out in commit order. A process that stops before its loop sends one loses that
    event, as a process that loses Redis does; sockets make lost events up from the database.
    Elsewhere (a command, a script) the send is made before the thread goes on.
    """

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        loop = _serving_event_loop()
        if loop is None:
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is not None:
                # Sync code called on a running loop's own thread (a shell or a script that
                # drives a browser): async_to_sync cannot block here, so the loop sends it.
                running.create_task(layer.group_send(group, event))
                return
            async_to_sync(layer.group_send)(group, event)
            return
        loop.call_soon_threadsafe(_publish_in_order, loop, layer, group, event)

    transaction.on_commit(send)


def _serving_event_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop this thread does database work for, if any (asgiref records it
    for each sync_to_async call)."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != (
        os.getpid()
    ):
        return None
    if loop.is_closed() or not loop.is_running():
        return None
    try:
        if asyncio.get_running_loop() is loop:
            return None  # on the loop's own thread: nothing to hand over
    except RuntimeError:
        pass
    return loop


def _publish_in_order(
    loop: asyncio.AbstractEventLoop, layer: Any, group: str, event: dict[str, Any]
) -> None:
    task = loop.create_task(_publish_after(_last_publish.get(loop), layer, group, event))
    _last_publish[loop] = task
    task.add_done_callback(_log_failure)


async def _publish_after(
    previous: asyncio.Task[None] | None, layer: Any, group: str, event: dict[str, Any]
) -> None:
    if previous is not None and not previous.done():
        await asyncio.wait([previous])
    await layer.group_send(group, event)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("a live event was not sent", exc_info=task.exception())
