"""The database threads a conversation's work runs on.

Channels runs every `database_sync_to_async` call on one shared thread, so under load each
customer's message waited behind every other conversation's database work (on PostgreSQL each
trip is several round trips, each paying to get the GIL back). A conversation's work runs
instead on one of a few threads of its own, picked by its id: work in one conversation still
runs in the order it was asked for, while conversations on other threads go on in parallel.
SQLite takes one writer at a time, and a second one waits in sleeps of up to 100 ms, so there it
is one thread (still apart from the one the inbox and other pages use).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

# Thread count -> its threads (the count is read from settings, so a change takes effect).
_executors: dict[int, list[ThreadPoolExecutor]] = {}
_setup = threading.Lock()
_turns = itertools.count()


def thread_count() -> int:
    configured = settings.LADDER_CONVERSATION_DB_THREADS
    if configured > 0:
        return configured
    return 1 if connection.vendor == "sqlite" else 4


def _executor_for(conversation_id: int) -> ThreadPoolExecutor:
    count = thread_count()
    executors = _executors.get(count)
    if executors is None:
        with _setup:
            executors = _executors.setdefault(
                count,
                [
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"conversation-db-{i}")
                    for i in range(count)
                ],
            )
    return executors[conversation_id % count]


def in_conversation[T](conversation_id: int, func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine run on the database thread of this conversation."""
    return database_sync_to_async(
        func, thread_sensitive=False, executor=_executor_for(conversation_id)
    )


def in_any_conversation[T](func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine on the conversation threads in turn: for work that belongs to no
    conversation yet (starting one, finding one by its token)."""
    return in_conversation(next(_turns), func)


# An answer's writes once its text is out (the stored answer, the spend, its audit events) run
# on a database thread of their own: on the conversation's thread they queued in front of
# other customers' acks and preparations, which are what a customer waits for. Both threads
# take the conversation's row lock to write, so the chain keeps one writer at a time.
_AFTER_STREAM_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="after-stream")


def after_stream[T](func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine run on the after-stream database thread."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_AFTER_STREAM_EXECUTOR)
