"""Our SQLite backend converts each statement's placeholders once, and the statements run as
Django's own cursor would run them."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from support.conversations import actions
from support.conversations.models import Conversation, Message
from support.db.sqlite3 import base

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backend only"),
]


def test_a_statement_with_a_literal_percent_runs_alike_each_time():
    conversation = actions.do_start_conversation()
    actions.do_record_customer_message(conversation.pk, client_id="a", text="50% off?")
    actions.do_record_customer_message(conversation.pk, client_id="b", text="Half off?")
    sql = (
        f"SELECT text FROM {Message._meta.db_table} "
        "WHERE conversation_id = %s AND text LIKE '%%\\%%%%' ESCAPE '\\' ORDER BY seq"
    )
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [conversation.pk])
            assert cursor.fetchall() == [("50% off?",)]
    assert base._converted[sql].count("?") == 1


def test_named_placeholders_are_not_kept_and_the_kept_statements_are_bounded(monkeypatch):
    monkeypatch.setattr(base, "_converted", {})
    monkeypatch.setattr(base, "CONVERTED_KEPT", 2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 1, "b": 2})
        assert cursor.fetchone() == (3,)
        for number in range(4):
            cursor.execute(f"SELECT %s + {number}", [1])
            assert cursor.fetchone() == (1 + number,)
    assert list(base._converted) == ["SELECT %s + 0", "SELECT %s + 1"]


def test_a_write_outside_a_transaction_waits_its_turn_at_the_write_lock():
    conversation = actions.do_start_conversation()
    holding = threading.Event()

    def hold_the_write_lock() -> None:
        try:
            with transaction.atomic():
                Conversation.objects.filter(pk=conversation.pk).update(language="fr")
                holding.set()
                time.sleep(0.3)
        finally:
            connection.close()

    def write_in_autocommit() -> None:
        try:
            with connection.cursor() as cursor:
                # SQLite alone would give up after 10 ms: "database is locked".
                cursor.execute("PRAGMA busy_timeout = 10")
            Conversation.objects.filter(pk=conversation.pk).update(language="de")
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    assert holding.wait(5)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(write_in_autocommit).result(timeout=10)
    holder.join()
    conversation.refresh_from_db()
    assert conversation.language == "de"  # written after the transaction, in its turn
