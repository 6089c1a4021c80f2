"""A socket whose answer's live end never arrives (a shared channel layer drops events when a
process falls behind) still shows the customer the stored answer: after a silence it reads what
it lacks from the database."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from support.conversations.models import Message, MessageState
from support.layers import LocalChannelLayer

from .chat import frames_until, open_chat, send_message, streamed_text

pytestmark = pytest.mark.django_db(transaction=True)


class LayerLosingEvents(LocalChannelLayer):
    """The site's in-memory layer, except that the group events of the types in `lose` are
    dropped, as a full Redis channel drops them."""

    lose: frozenset[str] = frozenset()
    lost: list[dict[str, Any]] = []

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if message.get("type") in self.lose:
            self.lost.append(message)
            return
        await super().group_send(group, message)


@pytest.fixture
def losing_layer(settings):
    def use(*types: str) -> list[dict[str, Any]]:
        LayerLosingEvents.lose = frozenset(types)
        LayerLosingEvents.lost = []
        settings.CHANNEL_LAYERS = {
            "default": {"BACKEND": f"{__name__}.LayerLosingEvents", "CONFIG": {"expiry": 30}}
        }
        settings.LADDER_RELAY_SILENCE_S = 0.2
        return LayerLosingEvents.lost

    return use


@database_sync_to_async
def stored_answer(public_id: str, seq: int) -> Message:
    return Message.objects.get(conversation__public_id=public_id, seq=seq)


async def test_a_lost_end_of_answer_is_read_from_the_database(demo_kb, losing_layer):
    lost = losing_layer("chat.stream_end")
    socket, welcome = await open_chat()
    ack = await send_message(socket, "How long does shipping take?")
    frames = await frames_until(socket, "message_end")
    seq = ack["seq"] + 1
    assert [e["type"] for e in lost] == ["chat.stream_end"]  # the live end never came
    answer = await stored_answer(welcome["conversation"], seq)
    assert answer.state == MessageState.COMPLETE
    assert frames[0] == {"type": "message_start", "seq": seq, "role": "assistant"}
    assert frames[-1] == {"type": "message_end", "seq": seq}
    # The customer has the stored answer whole, each character once.
    assert streamed_text(frames, seq) == answer.text
    assert "3 to 5 business days" in answer.text
    assert [f["type"] for f in frames].count("message_end") == 1
    await socket.disconnect()


async def test_an_answer_whose_every_event_is_lost_arrives_as_a_stored_message(
    demo_kb, losing_layer
):
    lost = losing_layer("chat.stream_start", "chat.stream_delta", "chat.stream_end")
    socket, welcome = await open_chat()
    ack = await send_message(socket, "How long does shipping take?")
    frame = await socket.receive_json_from(timeout=10)
    while frame["type"] != "message":
        frame = await socket.receive_json_from(timeout=10)
    answer = await stored_answer(welcome["conversation"], ack["seq"] + 1)
    assert {e["type"] for e in lost} == {
        "chat.stream_start",
        "chat.stream_delta",
        "chat.stream_end",
    }
    assert frame == {**answer.as_frame(), "type": "message"}
    assert frame["role"] == "assistant"
    await socket.disconnect()
