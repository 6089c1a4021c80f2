"""A conversation's database work keeps to one thread, in order; other conversations' work
runs beside it on the other threads."""

from __future__ import annotations

import asyncio
import threading

from django.db import connection

from support.conversations.dbthreads import in_conversation, thread_count


def current_thread_name() -> str:
    return threading.current_thread().name


async def test_a_conversation_keeps_to_its_thread_and_others_are_not_held_up(settings):
    settings.LADDER_CONVERSATION_DB_THREADS = 3
    names = [await in_conversation(cid, current_thread_name)() for cid in range(6)]
    assert names[0] == names[3] and names[1] == names[4] and names[2] == names[5]
    assert len(set(names)) == 3

    gate = threading.Event()
    slow = asyncio.ensure_future(in_conversation(0, gate.wait)(10))
    await asyncio.sleep(0.05)
    # Another conversation's work is not stuck behind the slow one...
    assert await asyncio.wait_for(in_conversation(1, current_thread_name)(), 5) == names[1]
    # ...while work of a conversation on the slow one's thread waits its turn.
    later = asyncio.ensure_future(in_conversation(3, current_thread_name)())
    await asyncio.sleep(0.1)
    assert not slow.done() and not later.done()
    gate.set()
    assert await slow is True
    assert await later == names[0]


def test_sqlite_gets_one_thread_and_postgresql_four_unless_set(settings):
    settings.LADDER_CONVERSATION_DB_THREADS = 0
    assert thread_count() == (1 if connection.vendor == "sqlite" else 4)
    settings.LADDER_CONVERSATION_DB_THREADS = 2
    assert thread_count() == 2
