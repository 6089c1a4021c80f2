"""The inbox socket reads frames within the same bounds as the chat socket, answers a failing
frame with `internal_error`, and whatever ends it stops counting its agent as online."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from support.conversations.live import INBOX_GROUP
from support.inbox import presence
from support.inbox.presence import online_agents

from .inbox import TIMEOUT_S, connected_inbox

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def online() -> list[str]:
    return [agent.username for agent in online_agents()]


async def refused_code(socket, raw: str) -> str:
    await socket.send_input({"type": "websocket.receive", "text": raw})
    frame = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert frame["type"] == "error", frame
    assert frame["detail"]
    return frame["code"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("[" * 30000 + "]" * 30000, "frame_too_deep"),
        ('{"type": "watch", "conversation": 7}', "invalid_field"),
        ('{"type": "watch", "conversation": {"a": 1}}', "invalid_field"),
        ('{"type": "watch", "conversation": "' + "a" * 100 + '"}', "invalid_field"),
        ('{"type": "teleport"}', "unknown_type"),
        ("x" * 70_000, "frame_too_large"),
    ],
)
async def test_bad_inbox_frames_are_refused_and_the_socket_goes_on(dana, raw, code):
    inbox = await connected_inbox(dana)
    assert await refused_code(inbox, raw) == code
    await inbox.send_json_to({"type": "ping"})
    assert (await inbox.receive_json_from(timeout=TIMEOUT_S)) == {"type": "pong"}
    await inbox.disconnect()


async def test_a_failing_inbox_frame_answers_internal_error(dana, monkeypatch):
    inbox = await connected_inbox(dana)

    def broken_heartbeat(agent_id: int) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(presence, "heartbeat", broken_heartbeat)
    await inbox.send_json_to({"type": "ping"})
    frame = await inbox.receive_json_from(timeout=TIMEOUT_S)
    assert (frame["type"], frame["code"]) == ("error", "internal_error")
    assert "RuntimeError" not in frame["detail"]
    assert await online() == ["dana"]
    await inbox.disconnect()
    assert await online() == []


async def test_an_inbox_socket_that_crashes_stops_counting_its_agent_online(dana):
    inbox = await connected_inbox(dana)
    assert await online() == ["dana"]
    # A live event the consumer cannot read kills its task, past every frame handler.
    await get_channel_layer().group_send(INBOX_GROUP, {"type": "inbox.note"})
    with pytest.raises(KeyError):
        await inbox.receive_output(timeout=TIMEOUT_S)
    assert await online() == []
