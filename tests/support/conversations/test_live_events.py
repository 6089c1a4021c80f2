"""Live events written by the database thread reach every socket of the conversation, in the
order they were committed, without that thread waiting for the event loop."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations import actions
from support.conversations.models import Conversation

from .chat import open_chat

pytestmark = pytest.mark.django_db(transaction=True)


async def test_messages_stored_by_the_database_thread_reach_a_second_tab_in_seq_order():
    first_tab, welcome = await open_chat()
    second_tab, _ = await open_chat(token=welcome["token"])
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )

    for number in range(1, 6):
        await database_sync_to_async(actions.do_post_system_message)(
            conversation.pk, f"Notice {number}"
        )

    for tab in (first_tab, second_tab):
        frames = [await tab.receive_json_from(timeout=5) for _ in range(5)]
        assert [(f["type"], f["seq"], f["text"]) for f in frames] == [
            ("message", number, f"Notice {number}") for number in range(1, 6)
        ]
        assert await tab.receive_nothing(timeout=0.2)
        await tab.disconnect()


async def test_a_rolled_back_message_is_never_announced():
    socket, welcome = await open_chat()
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )

    def post_then_fail() -> None:
        from django.db import transaction

        with transaction.atomic():
            actions.do_post_system_message(conversation.pk, "Never stored")
            raise RuntimeError("the surrounding work failed")

    with pytest.raises(RuntimeError):
        await database_sync_to_async(post_then_fail)()

    # Nobody is told of a row that rolled back.
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
