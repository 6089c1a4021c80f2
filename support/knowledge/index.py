"""The search entries of the articles: every version's title, passages and example questions,
analysed in its own language (routing.language.terms), and the engine's full-text index over
them: an FTS5 table on SQLite (kept here, in Python, since Django rebuilds SQLite tables and
their triggers), a generated tsvector column on PostgreSQL (kept by the database itself)."""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction

from routing.language import DEFAULT_LANGUAGE, terms

ENTRY_TABLE = "knowledge_searchentry"
FTS5_TABLE = "knowledge_search_fts"
PG_DOCUMENT = "document"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS5_TABLE} USING fts5(terms, tokenize='unicode61')",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {FTS5_TABLE}"]
# Stems are already folded and stemmed in Python: PostgreSQL's `simple` configuration indexes
# them as they are, so both engines see the very same terms.
POSTGRES_CREATE = [
    f"ALTER TABLE {ENTRY_TABLE} ADD COLUMN IF NOT EXISTS {PG_DOCUMENT} tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    f"CREATE INDEX IF NOT EXISTS knowledge_searchentry_document_gin ON {ENTRY_TABLE} "
    f"USING gin ({PG_DOCUMENT})",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS knowledge_searchentry_document_gin",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS {PG_DOCUMENT}",
]


_deferred = threading.local()


@contextlib.contextmanager
def indexing_deferred() -> Iterator[None]:
    """Saves inside this block rebuild each touched article's entries once, at its end (loading
    an article with four translations would otherwise rebuild it five times)."""
    if getattr(_deferred, "pending", None) is not None:
        yield
        return
    pending: set[int] = set()
    _deferred.pending = pending
    try:
        yield
    finally:
        _deferred.pending = None
    for article_id in sorted(pending):
        reindex_article(article_id)


def article_changed(article_id: int) -> None:
    """What the models' save and delete signals call."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending.add(article_id)
    else:
        reindex_article(article_id)


@functools.lru_cache(maxsize=4096)
def passages_of(body: str) -> tuple[str, ...]:
    """The paragraphs of a body (keyed by the text itself, so an edited article reads afresh)."""
    return tuple(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())


def questions_of(questions: str) -> list[str]:
    return [line.strip() for line in questions.splitlines() if line.strip()]


def entries_of(title: str, body: str, questions: str, language: str) -> Iterator[dict[str, Any]]:
    """The entries of one version of an article: its title, passages and example questions."""
    yield {"kind": "title", "position": 0, "text": title}
    for position, text in enumerate(passages_of(body)):
        yield {"kind": "passage", "position": position, "text": text}
    for position, text in enumerate(questions_of(questions)):
        yield {"kind": "question", "position": position, "text": text}


def reindex_article(article_id: int, entry_model: Any = None, article_model: Any = None) -> int:
    """Rebuild one article's entries from its versions; returns how many it has now.

    The models may be given (a migration passes its historical ones)."""
    if entry_model is None or article_model is None:
        from .models import KnowledgeArticle, SearchEntry

        entry_model, article_model = SearchEntry, KnowledgeArticle
    with transaction.atomic():
        old_ids = list(
            entry_model.objects.filter(article_id=article_id).values_list("id", flat=True)
        )
        entry_model.objects.filter(article_id=article_id).delete()
        article = article_model.objects.filter(pk=article_id).first()
        new = []
        if article is not None:
            versions = [(DEFAULT_LANGUAGE, article.title, article.body, article.questions)]
            versions += [
                (t.language, t.title, t.body, t.questions) for t in article.translations.all()
            ]
            for language, title, body, questions in versions:
                for entry in entries_of(title, body, questions, language):
                    entry_terms = " ".join(terms(entry["text"], language))
                    if entry_terms:
                        new.append(
                            entry_model(
                                article_id=article_id,
                                language=language,
                                terms=entry_terms,
                                **entry,
                            )
                        )
        created = entry_model.objects.bulk_create(new)
        if connection.vendor == "sqlite":
            _sync_fts5(old_ids, [(e.pk, e.terms) for e in created])
    return len(created)


def _sync_fts5(removed_ids: list[int], added: list[tuple[int, str]]) -> None:
    with connection.cursor() as cursor:
        if removed_ids:
            cursor.execute(
                f"DELETE FROM {FTS5_TABLE} WHERE rowid IN "  # noqa: S608
                f"({', '.join(['%s'] * len(removed_ids))})",
                removed_ids,
            )
        if added and all(pk is not None for pk, _ in added):
            cursor.executemany(f"INSERT INTO {FTS5_TABLE}(rowid, terms) VALUES (%s, %s)", added)  # noqa: S608
        elif added:
            # A backend that returns no ids from bulk_create: read them back.
            rebuild_sqlite_fts()


def rebuild_sqlite_fts() -> None:
    """Fill the FTS5 table from every entry (after a migration, or to repair it)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_CREATE:
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {FTS5_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS5_TABLE}(rowid, terms) SELECT id, terms FROM {ENTRY_TABLE}"  # noqa: S608
        )


def reindex_all() -> int:
    from .models import KnowledgeArticle

    count = sum(reindex_article(pk) for pk in KnowledgeArticle.objects.values_list("pk", flat=True))
    rebuild_sqlite_fts()
    return count
