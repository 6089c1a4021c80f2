"""The channel layer of a single process (no REDIS_URL): channels' in-memory layer with its
bookkeeping made cheap enough for hundreds of streaming conversations."""

from __future__ import annotations

import time
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

SWEEP_INTERVAL_S = 1.0


class LocalChannelLayer(InMemoryChannelLayer):
    """Expired messages and group memberships are swept at most once a second, not on every
    send and receive: a sweep walks every channel and every group, so with hundreds of sockets
    each coalesced delta paid for hundreds of queues twice. A group send puts the message on
    each member's queue in order, without a task per member."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._swept_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_INTERVAL_S:
            return
        self._swept_at = now
        super()._clean_expired()

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, ())):
            try:
                await self.send(channel, message)
            except ChannelFull:
                pass
