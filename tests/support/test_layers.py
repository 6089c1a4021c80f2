"""The single-process channel layer: group sends reach every member in order, and expiry
still holds with the sweep done once a second."""

from __future__ import annotations

import asyncio

import pytest

from support import layers
from support.layers import LocalChannelLayer


async def test_group_send_reaches_every_member_in_order_and_nobody_else():
    layer = LocalChannelLayer()
    watching = [await layer.new_channel() for _ in range(3)]
    elsewhere = await layer.new_channel()
    for channel in watching:
        await layer.group_add("conversation.a", channel)
    await layer.group_add("conversation.b", elsewhere)

    for index in range(1, 4):
        await layer.group_send("conversation.a", {"type": "chat.stream_delta", "index": index})

    for channel in watching:
        received = [(await layer.receive(channel))["index"] for _ in range(3)]
        assert received == [1, 2, 3]
    # Another conversation's socket hears nothing of this one.
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await layer.receive(elsewhere)


async def test_a_discarded_socket_gets_no_more_events():
    layer = LocalChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("conversation.a", channel)
    await layer.group_discard("conversation.a", channel)

    await layer.group_send("conversation.a", {"type": "chat.status"})

    assert channel not in layer.channels


async def test_expired_messages_are_still_swept(monkeypatch):
    # An unread message must not pin a dead socket's queue (and its group places) for ever.
    layer = LocalChannelLayer(expiry=0)
    await layer.group_send("conversation.b", {"type": "chat.status"})  # the first sweep
    stale = await layer.new_channel()
    await layer.group_add("conversation.a", stale)
    await layer.send(stale, {"type": "chat.status"})
    await asyncio.sleep(0.01)
    monkeypatch.setattr(layers, "SWEEP_INTERVAL_S", 0.0)  # the next sweep is due

    await layer.group_send("conversation.b", {"type": "chat.status"})

    assert stale not in layer.channels
    assert stale not in layer.groups.get("conversation.a", {})
