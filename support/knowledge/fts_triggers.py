"""Keeps SQLite's full-text index following the articles after every `migrate`.

Django's SQLite schema editor rebuilds a table for many field changes (copy, drop, rename), and
dropping a table drops its triggers: the FTS5 index would silently stop seeing edits. So after
each migrate, missing triggers are created again (from migration 0002's own SQL) and the index
is rebuilt from the articles."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import connections

TRIGGERS = (
    "knowledge_article_fts_insert",
    "knowledge_article_fts_delete",
    "knowledge_article_fts_update",
)


def ensure_sqlite_fts_triggers(using: str = "default", **kwargs: Any) -> bool:
    """Create the missing triggers and rebuild the index; True when anything was missing."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            ["knowledge_article_fts%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if "knowledge_article_fts" not in present or present.issuperset(TRIGGERS):
            # Before migration 0002 there is nothing to keep; after it, nothing is missing.
            return False
        migration = importlib.import_module("support.knowledge.migrations.0002_full_text_search")
        # Its statements are idempotent (IF NOT EXISTS) and end with a full 'rebuild'.
        for statement in migration.SQLITE_FORWARD:
            cursor.execute(statement)
    return True
