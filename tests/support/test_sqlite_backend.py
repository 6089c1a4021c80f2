"""Our SQLite backend converts each statement's placeholders once, and the statements run as
Django's own cursor would run them."""

from __future__ import annotations

import pytest
from django.db import connection

from support.conversations import actions
from support.conversations.models import Message
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
