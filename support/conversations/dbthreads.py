"""The database threads a conversation's work runs on.

Channels runs every `database_sync_to_async` call on one shared thread, so under load each
customer's message waited behind every other conversation's database work (on PostgreSQL each
trip is several round trips, each paying to get the GIL back). A conversation's work runs
instead on one of a few threads of its own, picked by its id: work in one conversation still
runs in the order it was asked for, while conversations on other threads go on in parallel.
SQLite takes one writer at a time, and a second one waits in sleeps of up to 100 ms, so there it
is one thread (still apart from the one the inbox and other pages use).

An answer's preparation (the rules, the search, the first decision) is the longest work on these
threads. An answer visited its thread again right before its model call, to reserve the call's
spend and its seq, and in one queue that short step waited behind every preparation that arrived
in between: at 50 conversations on SQLite, 19 ms at the median and 80 ms at p90, added to the
customer's wait for a first word. So preparations queue behind everything else on their thread
(`preparing_in`): a handoff, a reservation, a customer's page, all go first, in the order they
were asked for among themselves. A preparation now reserves its model call itself, at its end,
unless work of its own conversation waits in the urgent lane (`urgent_work_waiting`): that work,
a handoff say, runs first, and the reservation then takes a trip of its own behind it.

An answer's writes after its stream (the stored answer, its spend and audit events) are what
can wait: its text is out. All of the process's threads share one GIL, and under load these
writes took the share that the preparations queued on the conversation threads needed, so a
customer's next question waited behind others' preparations for hundreds of milliseconds. The
after-stream thread now lets queued preparations go first (`_AfterStreamThread`), each of its
items waiting for them at most AFTER_STREAM_HOLD_S, and not at all once HOLD_BACKLOG items wait
behind it, so its own queue stays short.

The answers streaming on the event loop let them go first too (`StreamPacer`): after a piece of
text, a streaming answer waits while preparations are queued or running, at most
LADDER_STREAM_HOLD_MS, and then streams at least as long before it waits again. A piece that
waits is not seen late by anyone who would notice (the upstream's text waits in the socket and
goes out in the next coalesced piece), while a preparation is a customer waiting for a first
word: with the loop idle more often, its thread wins the GIL back at once after each statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import threading
import time
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, cast

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections, connection, connections

URGENT = 0
LATER = 1

# How long an after-stream item waits at most for the preparations queued or running, and how
# many after-stream items may wait behind it before it waits no more.
AFTER_STREAM_HOLD_S = 0.05
HOLD_BACKLOG = 8


class _Preparations:
    """How many preparations are queued or running on the conversation threads."""

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()
        # Per event loop, an event set (on that loop) each time none is left.
        self._none_left: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
            weakref.WeakKeyDictionary()
        )

    def started(self) -> None:
        with self._changed:
            self._count += 1

    def ended(self) -> None:
        with self._changed:
            self._count -= 1
            if not self._count:
                self._changed.notify_all()
                for loop, event in list(self._none_left.items()):
                    try:
                        loop.call_soon_threadsafe(event.set)
                    except RuntimeError:  # the loop has closed
                        del self._none_left[loop]

    def any_left(self) -> bool:
        return self._count > 0

    def none_left_event(self) -> asyncio.Event:
        """The running loop's event, set there when none is left (cleared by its waiters)."""
        loop = asyncio.get_running_loop()
        with self._changed:
            event = self._none_left.get(loop)
            if event is None:
                event = self._none_left[loop] = asyncio.Event()
            return event

    def wait_for_none(self, timeout_s: float) -> bool:
        """Whether none is left, waiting for that at most `timeout_s`."""
        with self._changed:
            return self._changed.wait_for(lambda: self._count == 0, timeout_s)


_preparations = _Preparations()


async def hold_for_preparations(timeout_s: float) -> bool:
    """On the event loop: wait while preparations are queued or running, at most `timeout_s`;
    whether any were."""
    if not _preparations.any_left():
        return False
    event = _preparations.none_left_event()
    event.clear()
    # Cleared before looking again: a preparation that ends from here on sets it.
    if not _preparations.any_left():
        return False
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout_s):
            await event.wait()
    return True


class StreamPacer:
    """A streaming answer's holds for the preparations (see the module's docstring): after a
    piece, a hold while any are queued or running, unless the last hold ended less than a hold's
    length ago, so an answer streams at least half the time however busy the threads are."""

    def __init__(self) -> None:
        self.hold_s = settings.LADDER_STREAM_HOLD_MS / 1000
        self.next_hold_at = 0.0

    async def after_piece(self) -> None:
        if self.hold_s <= 0 or time.monotonic() < self.next_hold_at:
            return
        if await hold_for_preparations(self.hold_s):
            self.next_hold_at = time.monotonic() + self.hold_s


# Around each trip channels' database_sync_to_async calls Django's close_old_connections, which
# closes a connection that failed or outlived CONN_MAX_AGE and arms CONN_HEALTH_CHECKS: the
# trip's first query is then preceded by a check, a round trip of its own on PostgreSQL
# (`SELECT 1`), an eighth of an answer's statements. These threads make several trips a second
# under load, so a connection used moments ago is not checked again: after a database error
# the connections are tidied at once, otherwise at most once a second.
CONNECTION_TIDY_INTERVAL_S = 1.0
_tidied = threading.local()


def tidy_connections() -> None:
    """close_old_connections when a connection had an error or a second has passed."""
    now = time.monotonic()
    if now < getattr(_tidied, "next_at", 0.0) and not any(
        c.errors_occurred for c in connections.all(initialized_only=True)
    ):
        return
    close_old_connections()
    _tidied.next_at = now + CONNECTION_TIDY_INTERVAL_S


class DatabaseTrip(SyncToAsync[Any, Any]):
    """channels' DatabaseSyncToAsync for this module's threads, tidying the thread's
    connections as `tidy_connections` says rather than around every trip."""

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        tidy_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            tidy_connections()


def database_trip[T](func: Callable[..., T], executor: Executor) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine run by `executor`, one of this module's database threads."""
    # asgiref types its executor as a thread pool but only submits to it.
    return DatabaseTrip(func, thread_sensitive=False, executor=cast(ThreadPoolExecutor, executor))


class ConversationThread:
    """One database thread with two lanes: work in the urgent lane runs before any work queued
    in the later lane; within a lane, in the order it was submitted."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: queue.PriorityQueue[
            tuple[int, int, Future[Any], Callable[[], Any], int | None]
        ] = queue.PriorityQueue()
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()
        # Conversation id -> how many of its items wait in the urgent lane, not yet started.
        self._urgent_waiting: Counter[int] = Counter()
        self._counting = threading.Lock()

    def submit(
        self, lane: int, work: Callable[[], Any], conversation_id: int | None = None
    ) -> Future[Any]:
        future: Future[Any] = Future()
        if lane == LATER:
            _preparations.started()
            future.add_done_callback(lambda _: _preparations.ended())
        counted = conversation_id if lane == URGENT else None
        if counted is not None:
            with self._counting:
                self._urgent_waiting[counted] += 1
        self._queue.put((lane, next(self._order), future, work, counted))
        if self._thread is None:
            with self._starting:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                    self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            _, _, future, work, counted = self._queue.get()
            if counted is not None:
                with self._counting:
                    left = self._urgent_waiting[counted] - 1
                    if left:
                        self._urgent_waiting[counted] = left
                    else:
                        del self._urgent_waiting[counted]
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = work()
            except BaseException as error:  # whoever awaits the work gets it
                future.set_exception(error)
            else:
                future.set_result(result)
            del future, work  # nothing of the last work item is kept while the thread waits

    def urgent_waiting(self, conversation_id: int) -> bool:
        """Whether work of this conversation waits in the urgent lane (not yet started)."""
        return conversation_id in self._urgent_waiting


class _Lane(Executor):
    """A lane of a ConversationThread, as the executor `database_trip` runs work in; the
    conversation the work belongs to, when it belongs to one."""

    def __init__(
        self, thread: ConversationThread, lane: int, conversation_id: int | None = None
    ) -> None:
        self.thread = thread
        self.lane = lane
        self.conversation_id = conversation_id

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.thread.submit(self.lane, lambda: fn(*args, **kwargs), self.conversation_id)


# Thread count -> its threads (the count is read from settings, so a change takes effect).
_threads: dict[int, list[ConversationThread]] = {}
_setup = threading.Lock()
_turns = itertools.count()


def thread_count() -> int:
    configured = settings.LADDER_CONVERSATION_DB_THREADS
    if configured > 0:
        return configured
    return 1 if connection.vendor == "sqlite" else 4


def _thread_for(conversation_id: int) -> ConversationThread:
    count = thread_count()
    threads = _threads.get(count)
    if threads is None:
        with _setup:
            threads = _threads.setdefault(
                count, [ConversationThread(f"conversation-db-{i}") for i in range(count)]
            )
    return threads[conversation_id % count]


def in_conversation[T](conversation_id: int, func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine run on the database thread of this conversation."""
    return database_trip(func, _Lane(_thread_for(conversation_id), URGENT, conversation_id))


def preparing_in[T](conversation_id: int, func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine run on the database thread of this conversation once the work
    queued there by `in_conversation` has run: for an answer's preparation."""
    return database_trip(func, _Lane(_thread_for(conversation_id), LATER, conversation_id))


def in_any_conversation[T](func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine on the conversation threads in turn: for work that belongs to no
    conversation yet (starting one, finding one by its token)."""
    return database_trip(func, _Lane(_thread_for(next(_turns)), URGENT))


def urgent_work_waiting(conversation_id: int) -> bool:
    """Whether work of this conversation (`in_conversation`) waits on its thread, not yet
    started: asked by a preparation, on that thread, before it reserves the model call."""
    return _thread_for(conversation_id).urgent_waiting(conversation_id)


# An answer's writes once its text is out (the stored answer, the spend, its audit events) run
# on a database thread of their own: on the conversation's thread they queued in front of
# other customers' acks and preparations, which are what a customer waits for. Both threads
# take the conversation's row lock to write, so the chain keeps one writer at a time.
class _AfterStreamThread(Executor):
    """The after-stream thread: each item first waits for the conversation threads to have no
    preparation queued or running (see the module's docstring)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="after-stream")
        self._waiting = 0
        self._counting = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._counting:
            self._waiting += 1
        return self._pool.submit(self._run, fn, *args, **kwargs)

    def _run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        with self._counting:
            self._waiting -= 1
            behind = self._waiting
        if behind < HOLD_BACKLOG:
            _preparations.wait_for_none(AFTER_STREAM_HOLD_S)
        return fn(*args, **kwargs)


_AFTER_STREAM_EXECUTOR = _AfterStreamThread()


def after_stream[T](func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine run on the after-stream database thread."""
    return database_trip(func, _AFTER_STREAM_EXECUTOR)
