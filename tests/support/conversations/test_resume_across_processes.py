"""A customer whose socket drops mid-answer and comes back on another Daphne process (shared
Redis layer) gets, after welcome, the answer's message_start, one delta with the text so far,
then the rest and message_end, as PROTOCOL.md asks: real subprocesses on loopback."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations.models import Message
from tests.support.inbox.test_two_processes import (
    REDIS_URL,
    WIDGET_ORIGIN,
    daphne_processes,
    redis_reachable,
)
from tests.support.inbox.wire import WireSocket

pytestmark = pytest.mark.django_db(transaction=True)
QUESTION = "How long does shipping take?"


async def test_an_answer_joined_mid_way_on_another_process_streams_on_from_the_text_so_far(
    demo_kb, tmp_path
):
    if not redis_reachable(REDIS_URL):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    # Slow chunks, and no cached answer: the answer streams for a few seconds.
    slow = {"LADDER_LOCAL_CHUNK_PAUSE_MS": "250", "LADDER_ANSWER_CACHE": "false"}
    with daphne_processes(2, tmp_path, **slow) as (first_port, second_port):
        first = await WireSocket.open(first_port, "/ws/chat/", origin=WIDGET_ORIGIN)
        await first.send_json({"type": "hello", "token": None, "last_seq": 0})
        token = (await first.frame_of_type("welcome"))["token"]
        await first.send_json({"type": "message", "client_id": "q1", "text": QUESTION})
        ack = await first.frame_of_type("ack")
        start = await first.frame_of_type("message_start")
        seen = (await first.frame_of_type("delta"))["text"]
        await first.close()

        second = await WireSocket.open(second_port, "/ws/chat/", origin=WIDGET_ORIGIN)
        await second.send_json({"type": "hello", "token": token, "last_seq": ack["seq"]})
        frames = [await second.receive_json(timeout_s=15)]
        while frames[-1]["type"] not in ("message_end", "message"):
            frames.append(await second.receive_json(timeout_s=15))
        await second.close()

    kinds = [f["type"] for f in frames]
    assert kinds[0] == "welcome"
    assert kinds[1:3] == ["message_start", "delta"], kinds
    assert kinds[-1] == "message_end"
    assert {f["seq"] for f in frames[1:]} == {start["seq"]}
    so_far = frames[2]["text"]
    assert so_far.startswith(seen)
    deltas = [f["text"] for f in frames if f["type"] == "delta"]
    assert len(deltas) > 1  # the rest streamed on after the text so far
    stored = await database_sync_to_async(Message.objects.get)(seq=start["seq"])
    assert "".join(deltas) == stored.text
