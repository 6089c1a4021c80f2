"""A socket that misses a piece of a streaming answer (a shared channel layer may drop an
event) fills the gap: the customer sees the answer whole, each character once."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from support.conversations import streaming
from support.conversations.models import Conversation

from .chat import frames_until, open_chat, streamed_text

pytestmark = pytest.mark.django_db(transaction=True)

SEQ = 40


async def test_a_missed_piece_is_filled_from_the_text_so_far_and_the_end_brings_the_rest():
    socket, welcome = await open_chat()
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )
    group, layer = conversation.group_name, get_channel_layer()
    # This process streams the answer: what it has sent so far is in LIVE_STREAMS.
    live = streaming.LiveStream(seq=SEQ, text="Orders ship within 2 days")
    streaming.LIVE_STREAMS[conversation.pk] = live
    try:
        await layer.group_send(group, {"type": "chat.stream_start", "seq": SEQ})
        await layer.group_send(
            group, {"type": "chat.stream_delta", "seq": SEQ, "offset": 0, "text": "Orders "}
        )
        # "ship within " never arrives; the next piece shows the gap.
        await layer.group_send(
            group, {"type": "chat.stream_delta", "seq": SEQ, "offset": 19, "text": "2 days"}
        )
        # A piece sent twice is not shown twice.
        await layer.group_send(
            group, {"type": "chat.stream_delta", "seq": SEQ, "offset": 7, "text": "ship "}
        )
        # The last piece (" by post.") is lost too: the end carries the stored answer.
        stored = {
            "type": "message",
            "seq": SEQ,
            "role": "assistant",
            "text": "Orders ship within 2 days by post.",
        }
        await layer.group_send(
            group, {"type": "chat.stream_end", "seq": SEQ, "frame": stored, "tail": ""}
        )
        frames = await frames_until(socket, "message_end")
    finally:
        streaming.LIVE_STREAMS.pop(conversation.pk, None)
    assert frames[0] == {"type": "message_start", "seq": SEQ, "role": "assistant"}
    assert [f["text"] for f in frames if f["type"] == "delta"] == [
        "Orders ",
        "ship within ",
        "2 days",
        " by post.",
    ]
    assert streamed_text(frames, SEQ) == stored["text"]
    await socket.disconnect()
