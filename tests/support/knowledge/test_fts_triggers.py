"""SQLite's full-text index keeps following the articles even after Django rebuilds the table
(which drops its triggers): every migrate puts them back."""

from __future__ import annotations

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from support.knowledge.fts_triggers import TRIGGERS, ensure_sqlite_fts_triggers
from support.knowledge.models import KnowledgeArticle
from support.knowledge.search import search_passages

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="PostgreSQL keeps its trigger on ALTER TABLE"
    ),
]


def make_article(title: str, body: str) -> KnowledgeArticle:
    return KnowledgeArticle.objects.create(slug="article", title=title, body=body)


def drop_triggers_as_a_table_rebuild_does() -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")


def test_migrate_restores_lost_triggers_and_catches_up_with_edits_made_meanwhile():
    article = make_article("Gift cards", "Gift cards are valid for 2 years.")
    drop_triggers_as_a_table_rebuild_does()
    article.body = "Gift cards can pay for kayak rentals."
    article.save()
    # The trap this guards against: without triggers the index no longer sees the edit.
    assert search_passages("kayak rentals") == []
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert search_passages("kayak rentals")[0].title == "Gift cards"
    article.body = "Gift cards can pay for canoe lessons."
    article.save()
    assert search_passages("canoe lessons")[0].title == "Gift cards"


def test_nothing_is_rebuilt_when_every_trigger_is_in_place():
    assert ensure_sqlite_fts_triggers() is False
