"""The channel layer of a single process (no REDIS_URL): channels' in-memory layer with its
bookkeeping made cheap enough for hundreds of streaming conversations."""

from __future__ import annotations

import asyncio
import time
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

SWEEP_INTERVAL_S = 1.0
_FLAT_VALUE_TYPES = frozenset({str, int, float, bool, type(None)})


def _copy(message: dict[str, Any]) -> dict[str, Any]:
    """What the receiver gets: a copy it may change freely. Live chat events are mostly flat
    dicts of strings and numbers, for which a shallow copy is that copy, at a tenth the cost."""
    if all(type(value) in _FLAT_VALUE_TYPES for value in message.values()):
        return dict(message)
    return deepcopy(message)


class LocalChannelLayer(InMemoryChannelLayer):
    """Expired messages and group memberships are swept at most once a second, not on every
    send and receive: a sweep walks every channel and every group, so with hundreds of sockets
    each coalesced delta paid for hundreds of queues twice. A group send puts the message on
    each member's queue in order, without a task per member. A channel's name is checked and
    its queue built when the queue is made, not on every message (channels' own layer builds
    and throws away a queue per send and per receive)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._swept_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_INTERVAL_S:
            return
        self._swept_at = now
        super()._clean_expired()

    def _queue(self, channel: str) -> asyncio.Queue[Any]:
        queue = self.channels.get(channel)
        if queue is None:
            self.require_valid_channel_name(channel)
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        assert "__asgi_channel__" not in message
        try:
            self._queue(channel).put_nowait((time.time() + self.expiry, _copy(message)))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def receive(self, channel: str) -> dict[str, Any]:
        queue = self._queue(channel)
        self._clean_expired()
        try:
            _, message = await queue.get()
        finally:
            # As channels' layer does: a channel nobody waits on holds no queue.
            if queue.empty():
                self.channels.pop(channel, None)
        return message

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, ())):
            try:
                await self.send(channel, message)
            except ChannelFull:
                pass
