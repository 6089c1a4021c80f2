"""Django's SQLite backend, with the writers of one process taking turns at a lock.

SQLite lets one transaction write at a time; the others wait in its busy handler, which sleeps
1, 2, 5, then up to 100 ms between tries. With several database threads writing (the message
writer, the conversations' threads, the after-stream thread), those sleeps, not the writes,
were what a message waited for. Writers in this process instead queue at a lock, taken when a
transaction begins (BEGIN IMMEDIATE) and released when it ends, so the next one starts as soon
as the last commits; a write outside a transaction holds it for its one statement. Other
processes still meet the busy handler; readers never wait (WAL).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

# Database file -> the lock its writers in this process take turns at.
_write_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def write_lock(name: str) -> threading.Lock:
    # Looked up for every cursor: only the first lookup of a file takes the guard.
    lock = _write_locks.get(name)
    if lock is None:
        with _locks_guard:
            lock = _write_locks.setdefault(name, threading.Lock())
    return lock


# Statement text -> the same with SQLite's placeholders, as many as CONVERTED_KEPT statements.
_converted: dict[str, str] = {}
CONVERTED_KEPT = 2048


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class CursorWrapper(SQLiteCursorWrapper):
    """Django's cursor turns each statement's %s placeholders into SQLite's ? with a regular
    expression: a few microseconds for every statement run, for the same few hundred statements
    over and over. This one converts each statement once.

    A write outside a transaction (autocommit: a counter, a conversation's language) is a
    transaction of its own, so it takes its turn at the process's write lock too, as a
    transaction does when it begins, rather than wait in SQLite's sleeping busy handler."""

    write_lock: threading.Lock | None = None
    lock_timeout_s = 5.0

    def execute(self, query: str, params: Any = None) -> Any:
        with self._turn_to_write(query):
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        with self._turn_to_write(query):
            return super().executemany(query, param_list)

    @contextlib.contextmanager
    def _turn_to_write(self, query: str) -> Iterator[None]:
        lock = self.write_lock
        if (
            lock is None
            or self.connection.in_transaction
            or not query.lstrip()[:7].upper().startswith(_WRITES)
        ):
            yield
            return
        # Past the busy timeout, go on without the lock, as a transaction does.
        locked = lock.acquire(timeout=self.lock_timeout_s)
        try:
            yield
        finally:
            if locked:
                lock.release()

    def convert_query(self, query: str, *, param_names: list[str] | None = None) -> str:
        if param_names is not None:
            return super().convert_query(query, param_names=param_names)
        converted = _converted.get(query)
        if converted is None:
            converted = super().convert_query(query)
            if len(_converted) < CONVERTED_KEPT:
                _converted[query] = converted
        return converted


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holding_write_lock: threading.Lock | None = None

    def _start_transaction_under_autocommit(self) -> None:
        lock = self._write_lock()
        # Past the busy timeout, go on without the lock and let SQLite decide, as it would
        # without it (a transaction left open elsewhere must not hang this one for ever).
        if lock.acquire(timeout=self._lock_timeout_s()):
            self._holding_write_lock = lock
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_write_lock()
            raise

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=CursorWrapper)
        cursor.write_lock = self._write_lock()
        cursor.lock_timeout_s = self._lock_timeout_s()
        return cursor

    def _write_lock(self) -> threading.Lock:
        # Looked up each time: a test run changes NAME to its test database's.
        return write_lock(str(self.settings_dict["NAME"]))

    def _lock_timeout_s(self) -> float:
        return float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))

    def _release_write_lock(self) -> None:
        lock, self._holding_write_lock = self._holding_write_lock, None
        if lock is not None:
            lock.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_write_lock()
