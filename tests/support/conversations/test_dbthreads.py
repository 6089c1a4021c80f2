"""A conversation's database work keeps to one thread, in order; other conversations' work
runs beside it on the other threads."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading

import pytest
from django.db import DatabaseError, connection, connections

from support.conversations import dbthreads
from support.conversations.dbthreads import in_conversation, preparing_in, thread_count

# The threads outlive each test and keep their connections: even work that queries nothing
# tidies them (an earlier test's connection is then checked), so every test may use the database.
pytestmark = pytest.mark.django_db(transaction=True)


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


async def test_a_preparation_waits_for_the_urgent_work_queued_on_its_thread(settings):
    # An answer's reservation (or a handoff) asked for while other answers' preparations queue
    # runs before them; each lane keeps its own order.
    settings.LADDER_CONVERSATION_DB_THREADS = 1
    gate = threading.Event()
    ran: list[str] = []
    busy = asyncio.ensure_future(in_conversation(0, gate.wait)(10))
    await asyncio.sleep(0.05)
    queued = [
        asyncio.ensure_future(run_in(conversation_id, ran.append)(name))
        for run_in, conversation_id, name in [
            (preparing_in, 1, "prepare 1"),
            (in_conversation, 2, "reserve 2"),
            (preparing_in, 3, "prepare 3"),
            (in_conversation, 1, "handoff 1"),
        ]
    ]
    await asyncio.sleep(0.05)
    assert ran == []  # all wait behind the work under way
    gate.set()
    await asyncio.gather(busy, *queued)
    assert ran == ["reserve 2", "handoff 1", "prepare 1", "prepare 3"]


async def test_an_error_in_a_lane_reaches_its_caller_and_the_thread_goes_on(settings):
    settings.LADDER_CONVERSATION_DB_THREADS = 1

    def broken() -> None:
        raise ValueError("no such row")

    with pytest.raises(ValueError, match="no such row"):
        await preparing_in(0, broken)()
    assert await in_conversation(0, current_thread_name)() == "conversation-db-0"


def run_a_query() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def count_checks() -> list[bool]:
    """The health checks of this thread's connection from now on (Django's own check, counted)."""
    checks: list[bool] = []
    wrapper = connections["default"]
    check = type(wrapper).is_usable

    def counted() -> bool:
        checks.append(check(wrapper))
        return checks[-1]

    wrapper.is_usable = counted  # type: ignore[method-assign]
    return checks


def had_errors() -> bool:
    return connection.errors_occurred


def forget_tidying() -> None:
    dbthreads._tidied.next_at = 0.0


def start_afresh() -> None:
    forget_tidying()
    vars(connections["default"]).pop("is_usable", None)
    connections["default"].close()


@pytest.fixture
def tidy_interval(settings, monkeypatch):
    settings.LADDER_CONVERSATION_DB_THREADS = 1
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]

    async def set_interval(seconds: float) -> None:
        monkeypatch.setattr(dbthreads, "CONNECTION_TIDY_INTERVAL_S", seconds)
        # An earlier trip on the thread may have put its next tidying off by up to a second.
        await in_conversation(0, forget_tidying)()

    yield set_interval
    # Later tests' trips on this thread start with no connection, tidied as usual.
    monkeypatch.setattr(dbthreads, "CONNECTION_TIDY_INTERVAL_S", 0)
    asyncio.run(in_conversation(0, start_afresh)())


async def test_a_connection_used_moments_ago_is_not_checked_again(tidy_interval):
    # Each check is a round trip of its own on PostgreSQL.
    await tidy_interval(60)
    await in_conversation(0, run_a_query)()
    checks = await in_conversation(0, count_checks)()
    for _ in range(5):
        await in_conversation(0, run_a_query)()
        await preparing_in(0, run_a_query)()
    assert checks == []


async def test_connections_are_checked_again_once_the_interval_passed(tidy_interval):
    await tidy_interval(0)
    await in_conversation(0, run_a_query)()
    checks = await in_conversation(0, count_checks)()
    for _ in range(3):
        await in_conversation(0, run_a_query)()
    assert len(checks) >= 3 and all(checks)


async def test_a_connection_that_had_an_error_is_tidied_before_the_next_trip(tidy_interval):
    await tidy_interval(60)

    def broken() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    # A connection in use, its health check done, whether or not an earlier test left it open.
    await in_conversation(0, run_a_query)()
    checks = await in_conversation(0, count_checks)()
    with pytest.raises(DatabaseError):
        await in_conversation(0, broken)()
    # Checked, found usable and kept: a broken one would have been closed.
    assert checks == [True]
    assert await in_conversation(0, had_errors)() is False
    await in_conversation(0, run_a_query)()


async def test_a_preparation_sees_urgent_work_of_its_own_conversation_waiting(settings):
    # What a preparation asks before it reserves its model call in the same visit.
    settings.LADDER_CONVERSATION_DB_THREADS = 1
    gate = threading.Event()
    seen: list[tuple[bool, bool]] = []

    def prepare() -> None:
        gate.wait(10)
        seen.append((dbthreads.urgent_work_waiting(1), dbthreads.urgent_work_waiting(2)))

    preparing = asyncio.ensure_future(preparing_in(1, prepare)())
    await asyncio.sleep(0.05)
    handoff = asyncio.ensure_future(in_conversation(1, current_thread_name)())
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(preparing, handoff)
    # Its own conversation's handoff waits; no other conversation has anything queued.
    assert seen == [(True, False)]
    # Work that has run is no longer waiting, and a later preparation sees nothing.
    await preparing_in(1, prepare)()
    assert seen[-1] == (False, False)


async def test_after_stream_writes_let_queued_preparations_go_first(settings, monkeypatch):
    # An answer's writes after its stream can wait; a customer waiting for a first word cannot.
    settings.LADDER_CONVERSATION_DB_THREADS = 1
    monkeypatch.setattr(dbthreads, "AFTER_STREAM_HOLD_S", 5.0)
    gate = threading.Event()
    order: list[str] = []
    busy = asyncio.ensure_future(in_conversation(0, gate.wait)(10))
    await asyncio.sleep(0.05)
    preparing = asyncio.ensure_future(preparing_in(1, order.append)("preparation"))
    await asyncio.sleep(0.05)
    writing = asyncio.ensure_future(dbthreads.after_stream(order.append)("after stream"))
    await asyncio.sleep(0.2)
    # The after-stream thread is free, yet its write waits for the queued preparation...
    assert order == [] and not writing.done()
    gate.set()
    # ...and runs as soon as it has run, well before its longest wait.
    await asyncio.wait_for(asyncio.gather(busy, preparing, writing), 2)
    assert order == ["preparation", "after stream"]


async def test_an_after_stream_write_waits_for_preparations_only_so_long(settings, monkeypatch):
    settings.LADDER_CONVERSATION_DB_THREADS = 1
    monkeypatch.setattr(dbthreads, "AFTER_STREAM_HOLD_S", 0.2)
    gate = threading.Event()
    preparing = asyncio.ensure_future(preparing_in(1, gate.wait)(10))
    await asyncio.sleep(0.05)
    try:
        # A preparation that takes long holds the write back for AFTER_STREAM_HOLD_S at most.
        assert await asyncio.wait_for(dbthreads.after_stream(current_thread_name)(), 2)
        # With as many writes waiting behind it as HOLD_BACKLOG allows, a write waits no more.
        monkeypatch.setattr(dbthreads, "HOLD_BACKLOG", 0)
        monkeypatch.setattr(dbthreads, "AFTER_STREAM_HOLD_S", 5.0)
        assert await asyncio.wait_for(dbthreads.after_stream(current_thread_name)(), 2)
    finally:
        gate.set()
    assert await preparing is True


async def test_a_streaming_answer_holds_while_a_preparation_runs(settings):
    # A streaming answer's next piece can wait; a customer waiting for a first word cannot.
    settings.LADDER_CONVERSATION_DB_THREADS = 1
    settings.LADDER_STREAM_HOLD_MS = 5000
    # Nothing being prepared: no hold.
    assert await asyncio.wait_for(dbthreads.hold_for_preparations(5.0), 1) is False
    gate = threading.Event()
    preparing = asyncio.ensure_future(preparing_in(1, gate.wait)(10))
    await asyncio.sleep(0.05)
    pacer = dbthreads.StreamPacer()
    holding = asyncio.ensure_future(pacer.after_piece())
    await asyncio.sleep(0.2)
    assert not holding.done()
    gate.set()
    # It streams on as soon as the preparation has run, well before its longest hold.
    await asyncio.wait_for(holding, 2)
    assert await preparing is True


async def test_a_streaming_answer_holds_only_so_long_and_then_streams(settings):
    settings.LADDER_CONVERSATION_DB_THREADS = 1
    settings.LADDER_STREAM_HOLD_MS = 200
    gate = threading.Event()
    preparing = asyncio.ensure_future(preparing_in(1, gate.wait)(10))
    await asyncio.sleep(0.05)
    try:
        pacer = dbthreads.StreamPacer()
        # A preparation that takes long holds a piece back for the hold's length at most...
        await asyncio.wait_for(pacer.after_piece(), 2)
        assert not preparing.done()
        # ...and the pieces right after it go on without a hold, however long it runs.
        for _ in range(3):
            piece = asyncio.ensure_future(pacer.after_piece())
            await asyncio.sleep(0)
            assert piece.done()
        # Without holds (0 ms), a piece never waits.
        settings.LADDER_STREAM_HOLD_MS = 0
        piece = asyncio.ensure_future(dbthreads.StreamPacer().after_piece())
        await asyncio.sleep(0)
        assert piece.done()
    finally:
        gate.set()
    assert await preparing is True


@pytest.mark.parametrize("configured", ["-1", "1001"])
def test_a_hold_out_of_range_is_refused_at_start(configured):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "support.settings",
        "LADDER_STREAM_HOLD_MS": configured,
    }
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert f"LADDER_STREAM_HOLD_MS must be from 0 to 1000 (ms), not {configured}" in started.stderr
