"""Live events written by the database thread reach every socket of the conversation, in the
order they were committed, without that thread waiting for the event loop."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from django.db import connections

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


async def test_a_database_thread_goes_on_while_its_event_loop_is_busy():
    """With either layer (the PostgreSQL pass runs on Redis), the thread that commits hands the
    live event to its event loop and goes on; the loop sends it once it is free."""
    socket, welcome = await open_chat()
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )
    loop = asyncio.get_running_loop()

    def post() -> None:
        # A database thread of this loop, as sync_to_async marks one.
        SyncToAsync.threadlocal.main_event_loop = loop
        SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()
        try:
            actions.do_post_system_message(conversation.pk, "Posted while the loop was busy")
        finally:
            connections.close_all()

    thread = threading.Thread(target=post)
    thread.start()
    thread.join(timeout=5)  # the loop is busy: it runs nothing until the join returns
    assert not thread.is_alive(), "the thread waited for the busy loop"

    frame = await socket.receive_json_from(timeout=5)
    assert (frame["type"], frame["text"]) == ("message", "Posted while the loop was busy")
    await socket.disconnect()
