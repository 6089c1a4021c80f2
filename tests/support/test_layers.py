"""The single-process channel layer: group sends reach every member in order, and expiry
still holds with the sweep done once a second."""

from __future__ import annotations

import asyncio

import pytest
from channels.exceptions import ChannelFull

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


async def test_each_member_gets_its_own_copy_of_an_event():
    # A consumer that changes what it received must not change what another socket gets.
    layer = LocalChannelLayer()
    first, second = await layer.new_channel(), await layer.new_channel()
    for channel in (first, second):
        await layer.group_add("conversation.a", channel)
    await layer.group_send("conversation.a", {"type": "chat.stream_delta", "text": "Hi"})
    await layer.group_send(
        "conversation.a", {"type": "chat.stream_end", "frame": {"seq": 2, "text": "Hi"}}
    )

    delta, end = await layer.receive(first), await layer.receive(first)
    delta["text"] = "changed"
    end["frame"]["text"] = "changed"

    assert (await layer.receive(second))["text"] == "Hi"
    assert (await layer.receive(second))["frame"]["text"] == "Hi"


async def test_a_bad_channel_name_is_still_refused():
    layer = LocalChannelLayer()
    with pytest.raises(TypeError):
        await layer.send("not a valid name!", {"type": "chat.status"})
    with pytest.raises(TypeError):
        await layer.receive("not a valid name!")


async def test_a_full_channel_refuses_more():
    layer = LocalChannelLayer(capacity=1)
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "chat.status"})
    with pytest.raises(ChannelFull):
        await layer.send(channel, {"type": "chat.status"})
