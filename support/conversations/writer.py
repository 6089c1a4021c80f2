"""Customer messages stored by one writer, in group commits: what an ack waits for.

A customer's message is acked once it is committed, and nothing else happens before the ack.
Every message that arrives while a commit is under way joins the next one: one transaction
stores them all, in a few statements for the whole batch (one refused message refuses only
itself), then each waiting socket gets its own outcome. The writer has a database thread of
its own, so an ack never queues behind other conversations' reads and answers (SQLite in WAL
mode lets those read beside it), and a burst costs one commit instead of one per message.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction

from . import actions
from .actions import CustomerMessageToStore, StoredCustomerMessage
from .dbthreads import database_trip

# Messages stored in one transaction at most: bounds how long the conversations' row locks
# are held, and how long the first message of a large burst waits for the last.
MAX_MESSAGES_PER_COMMIT = 128

_WRITER_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="message-writer")


type Outcome = StoredCustomerMessage | Exception


def store_customer_messages(
    messages: list[CustomerMessageToStore],
    committed: Callable[[list[Outcome]], None] | None = None,
) -> list[Outcome]:
    """Store `messages` in one transaction (see `actions.do_record_customer_messages`); the
    outcome of each, in order: what it stored, or the exception that refused it. `committed`
    gets the outcomes as soon as the transaction commits, before the live events go out."""
    outcomes: list[Outcome] = []
    with transaction.atomic():
        if committed is not None:
            # The first thing after the commit: acks need not wait for the live events.
            transaction.on_commit(lambda: committed(outcomes))
        outcomes += actions.do_record_customer_messages(messages)
    return outcomes


@dataclass
class _Waiting:
    message: CustomerMessageToStore
    stored: asyncio.Future[StoredCustomerMessage]


@dataclass
class MessageWriter:
    """The writer of one event loop: a commit at a time, with every message waiting for it."""

    waiting: list[_Waiting] = field(default_factory=list)
    committing: asyncio.Task[None] | None = None

    async def store(self, message: CustomerMessageToStore) -> StoredCustomerMessage:
        loop = asyncio.get_running_loop()
        stored: asyncio.Future[StoredCustomerMessage] = loop.create_future()
        self.waiting.append(_Waiting(message, stored))
        if self.committing is None:
            self.committing = loop.create_task(self.commit_while_waiting())
        # A socket that goes away while its message commits must not cancel the commit.
        return await asyncio.shield(stored)

    async def commit_while_waiting(self) -> None:
        store = database_trip(store_customer_messages, _WRITER_THREAD)
        batch: list[_Waiting] = []
        try:
            while self.waiting:
                batch = self.waiting[:MAX_MESSAGES_PER_COMMIT]
                del self.waiting[:MAX_MESSAGES_PER_COMMIT]
                committed = partial(_tell_from_thread, asyncio.get_running_loop(), batch)
                try:
                    outcomes: list[Outcome] = await store([w.message for w in batch], committed)
                except Exception as error:
                    # Nothing of this commit was stored: every message in it is refused.
                    outcomes = [error] * len(batch)
                _tell(batch, outcomes)
                batch = []
        finally:
            # Only when the loop stops under it: nobody is left waiting for ever.
            self.committing = None
            for waiting in [*batch, *self.waiting]:
                if not waiting.stored.done():
                    waiting.stored.cancel()
            self.waiting.clear()


def _tell_from_thread(
    loop: asyncio.AbstractEventLoop, batch: list[_Waiting], outcomes: list[Outcome]
) -> None:
    loop.call_soon_threadsafe(_tell, batch, outcomes)


def _tell(batch: list[_Waiting], outcomes: list[Outcome]) -> None:
    for waiting, outcome in zip(batch, outcomes, strict=True):
        if waiting.stored.done():
            continue
        if isinstance(outcome, Exception):
            waiting.stored.set_exception(outcome)
        else:
            waiting.stored.set_result(outcome)


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MessageWriter] = (
    weakref.WeakKeyDictionary()
)


async def record_customer_message(
    conversation_id: int, *, client_id: str, text: str
) -> StoredCustomerMessage:
    """`actions.do_record_customer_message`, committed with every other message waiting."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = MessageWriter()
    return await writer.store(CustomerMessageToStore(conversation_id, client_id, text))
