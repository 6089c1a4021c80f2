"""Random frames never crash the chat socket and never change what is stored."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.conversations.models import AuditEvent, Conversation, Message

from .chat import TIMEOUT_S, open_chat

pytestmark = pytest.mark.django_db(transaction=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
not_a_score = json_values.filter(
    lambda v: not (isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5)
)
# Frames that are wrong in some way: a known type with wrong fields, unknown types, non-objects.
bad_frames = st.one_of(
    st.text(max_size=80),
    json_values.filter(lambda v: not (isinstance(v, dict) and "type" in v)).map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["hello", "rating", "teleport", "", "MESSAGE"])},
        optional={"token": json_values, "last_seq": json_values, "score": not_a_score},
    ).map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.just("message"), "client_id": json_values},
        optional={
            "text": st.one_of(st.just(""), st.text(min_size=4001, max_size=4100), st.integers())
        },
    ).map(json.dumps),
)


def snapshot():
    return (
        list(Conversation.objects.values_list("pk", "status", "last_seq", "audit_count")),
        Message.objects.count(),
        AuditEvent.objects.count(),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(raws=st.lists(bad_frames, min_size=1, max_size=5))
def test_random_bad_frames_get_error_frames_and_change_nothing(raws):
    import asyncio

    async def scenario():
        socket, _ = await open_chat()
        before = await database_sync_to_async(snapshot)()
        for raw in raws:
            # Straight to the application: the communicator itself refuses an empty text frame.
            await socket.send_input({"type": "websocket.receive", "text": raw})
            frame = await socket.receive_json_from(timeout=TIMEOUT_S)
            assert frame["type"] == "error", (raw, frame)
            assert isinstance(frame["code"], str) and frame["code"]
        await socket.send_json_to({"type": "ping"})
        assert (await socket.receive_json_from(timeout=TIMEOUT_S)) == {"type": "pong"}
        assert await database_sync_to_async(snapshot)() == before
        await socket.disconnect()

    asyncio.run(scenario())
