"""PostgreSQL: the words of each article stored in a tsvector column that a trigger keeps in
sync, with a GIN index, so that searches never run to_tsvector over the table. Nothing on SQLite.

A trigger, not a GENERATED column: PostgreSQL refuses to change the type of a column a
generated column reads, which would block later migrations of title or body. The column is not
a model field; only support/knowledge/search.py reads it."""

from __future__ import annotations

from django.db import migrations

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS knowledge_article_fts",
    "ALTER TABLE knowledge_knowledgearticle ADD COLUMN IF NOT EXISTS search_document tsvector",
    "CREATE TRIGGER knowledge_article_search_document BEFORE INSERT OR UPDATE OF title, body "
    "ON knowledge_knowledgearticle FOR EACH ROW EXECUTE FUNCTION "
    "tsvector_update_trigger(search_document, 'pg_catalog.simple', title, body)",
    # Fill the column for articles written before: the trigger does it as for any edit.
    "UPDATE knowledge_knowledgearticle SET title = title",
    "CREATE INDEX IF NOT EXISTS knowledge_article_search_document_gin "
    "ON knowledge_knowledgearticle USING gin (search_document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_article_search_document_gin",
    "DROP TRIGGER IF EXISTS knowledge_article_search_document ON knowledge_knowledgearticle",
    "ALTER TABLE knowledge_knowledgearticle DROP COLUMN IF EXISTS search_document",
    "CREATE INDEX IF NOT EXISTS knowledge_article_fts ON knowledge_knowledgearticle "
    "USING gin (to_tsvector('simple', title || ' ' || body))",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_full_text_search")]

    operations = [migrations.RunPython(run(POSTGRES_FORWARD), run(POSTGRES_BACKWARD))]
