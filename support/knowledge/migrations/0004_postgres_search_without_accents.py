"""PostgreSQL: the search document is built from the text without accents, as SQLite's FTS5
(`remove_diacritics`) and the question side (`search.fold`) read it, so "envio" finds "envío"
and the other way round. Nothing on SQLite.

The folding is a `translate` over the Latin letters with accents (computed here from Unicode's
decompositions), so it needs no extension such as `unaccent`."""

from __future__ import annotations

import unicodedata

from django.db import migrations


def _accented_letters() -> tuple[str, str]:
    accented, plain = [], []
    for code in range(0x00C0, 0x0250):
        letter = chr(code).lower()
        if len(letter) != 1 or letter in accented:
            continue
        folded = "".join(
            c for c in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(c)
        )
        if len(folded) == 1 and folded != letter:
            accented.append(letter)
            plain.append(folded)
    return "".join(accented), "".join(plain)


ACCENTED, PLAIN = _accented_letters()
TABLE = "knowledge_knowledgearticle"
TRIGGER = "knowledge_article_search_document"

POSTGRES_FORWARD = [
    "CREATE OR REPLACE FUNCTION knowledge_fold(text) RETURNS text LANGUAGE sql IMMUTABLE "
    f"PARALLEL SAFE AS $$ SELECT translate(lower($1), '{ACCENTED}', '{PLAIN}') $$",
    "CREATE OR REPLACE FUNCTION knowledge_article_search_document() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN NEW.search_document := to_tsvector('pg_catalog.simple', "
    "knowledge_fold(coalesce(NEW.title, '') || ' ' || coalesce(NEW.body, ''))); "
    "RETURN NEW; END $$",
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}",
    f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF title, body ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION knowledge_article_search_document()",
    f"UPDATE {TABLE} SET title = title",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}",
    f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF title, body ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION "
    "tsvector_update_trigger(search_document, 'pg_catalog.simple', title, body)",
    "DROP FUNCTION IF EXISTS knowledge_article_search_document()",
    "DROP FUNCTION IF EXISTS knowledge_fold(text)",
    f"UPDATE {TABLE} SET title = title",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_postgres_search_document")]

    operations = [migrations.RunPython(run(POSTGRES_FORWARD), run(POSTGRES_BACKWARD))]
