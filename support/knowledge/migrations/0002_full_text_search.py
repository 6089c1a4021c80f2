"""Full-text indexes: an FTS5 table kept in sync by triggers on SQLite, a GIN index on
PostgreSQL. Each backend runs only its own SQL."""

from __future__ import annotations

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_article_fts USING fts5("
    "title, body, content='knowledge_knowledgearticle', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS knowledge_article_fts_insert AFTER INSERT ON "
    "knowledge_knowledgearticle BEGIN INSERT INTO knowledge_article_fts(rowid, title, body) "
    "VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS knowledge_article_fts_delete AFTER DELETE ON "
    "knowledge_knowledgearticle BEGIN INSERT INTO knowledge_article_fts(knowledge_article_fts, "
    "rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS knowledge_article_fts_update AFTER UPDATE ON "
    "knowledge_knowledgearticle BEGIN INSERT INTO knowledge_article_fts(knowledge_article_fts, "
    "rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO knowledge_article_fts(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "END",
    "INSERT INTO knowledge_article_fts(knowledge_article_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_update",
    "DROP TABLE IF EXISTS knowledge_article_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS knowledge_article_fts ON knowledge_knowledgearticle "
    "USING gin (to_tsvector('simple', title || ' ' || body))"
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS knowledge_article_fts"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
