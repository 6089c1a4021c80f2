"""Two Daphne processes behind one Redis: a per-address limit counts the address's frames on
both (real subprocesses on loopback, one shared database and Redis)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from support.conversations.models import Conversation
from tests.support.inbox.test_two_processes import WIDGET_ORIGIN, daphne_processes, redis_reachable
from tests.support.inbox.wire import WireSocket

pytestmark = pytest.mark.django_db(transaction=True)


async def start_conversation(port: int) -> dict:
    socket = await WireSocket.open(port, "/ws/chat/", origin=WIDGET_ORIGIN)
    try:
        await socket.send_json({"type": "hello", "token": None, "last_seq": 0})
        return await socket.receive_json()
    finally:
        await socket.close()


async def test_new_conversations_per_address_are_counted_across_processes(tmp_path):
    if not settings.REDIS_URL or not redis_reachable(settings.REDIS_URL):
        pytest.skip("needs Redis (REDIS_URL) shared by the processes")
    with daphne_processes(
        2, tmp_path, REDIS_URL=settings.REDIS_URL, LADDER_CONVERSATIONS_PER_HOUR_PER_IP="3"
    ) as (first, second):
        answers = [await start_conversation(port) for port in (first, second, first, second)]
        # Three conversations in all, whichever process took them: a per-process count would
        # have allowed three on each.
        assert [a["type"] for a in answers] == ["welcome", "welcome", "welcome", "error"]
        assert answers[3]["code"] == "too_many_conversations"
        refused_on_first = await start_conversation(first)
        assert refused_on_first["code"] == "too_many_conversations"
    assert await database_sync_to_async(Conversation.objects.count)() == 3
