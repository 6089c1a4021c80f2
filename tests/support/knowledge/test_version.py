"""The knowledge base's version: every change to an article, a translation or a search entry
changes it, bulk SQL and rolled-back changes included, and what reads it (the search's
vocabulary, the system prompts) sees such a change at once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from support.knowledge.help_centre import system_prompts
from support.knowledge.models import ArticleTranslation, KnowledgeArticle, SearchEntry
from support.knowledge.search import search_passages, vocabulary
from support.knowledge.version import WATCHED_TABLES, knowledge_version

from .test_search import make_article

pytestmark = pytest.mark.django_db


def version() -> tuple[int, int]:
    return knowledge_version(connection)


def test_every_kind_of_change_to_the_knowledge_base_changes_the_version():
    seen = [version()]
    article = make_article("Gift cards", "Gift cards are valid for 2 years.")
    seen.append(version())
    translation = ArticleTranslation.objects.create(
        article=article, language="es", title="Tarjetas regalo", body="Valen 2 años."
    )
    seen.append(version())
    # Bulk SQL skips save() and its signals: the database's triggers still see it.
    KnowledgeArticle.objects.filter(pk=article.pk).update(body="Gift cards never expire.")
    seen.append(version())
    ArticleTranslation.objects.filter(pk=translation.pk).update(body="No caducan.")
    seen.append(version())
    SearchEntry.objects.filter(article=article).update(terms="gift")
    seen.append(version())
    SearchEntry.objects.filter(article=article).delete()
    seen.append(version())
    KnowledgeArticle.objects.filter(pk=article.pk).delete()
    seen.append(version())
    assert len(set(seen)) == len(seen)


def test_a_change_after_one_rolled_back_has_a_version_of_its_own():
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article("Snowshoe rental", "We rent snowshoes for $12 a day.")
        rolled_back = version()
        raise RuntimeError
    assert version() == before
    make_article("Ski rental", "We rent skis for $30 a day.")
    # The count is the same as the rolled-back change's; a process that read the index inside
    # that transaction must not take its reading for this one.
    assert version()[0] == rolled_back[0]
    assert version() != rolled_back


def test_the_search_vocabulary_is_read_again_after_a_rolled_back_change():
    make_article("Ski rental", "We rent skis for $30 a day.")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article("Snowshoe rental", "We rent snowshoes for $12 a day.")
        assert "snowsho" in vocabulary().version_frequency
        raise RuntimeError
    make_article("Kayak rental", "We rent kayaks for $40 a day.")
    known = vocabulary()
    assert "kayak" in known.version_frequency
    assert "snowsho" not in known.version_frequency


def test_a_bulk_edit_reaches_the_system_prompts_at_once():
    article = make_article("Gift cards", "Gift cards are valid for 2 years.")
    assert "valid for 2 years" in system_prompts().help_centre.block
    KnowledgeArticle.objects.filter(pk=article.pk).update(body="Gift cards never expire.")
    prompts = system_prompts()
    assert "never expire" in prompts.help_centre.block
    assert "valid for 2 years" not in prompts.help_centre.block


def test_answer_texts_are_read_once_per_version_and_a_bulk_edit_is_read_at_once():
    article = make_article("Gift cards", "Gift cards are valid for 2 years.")
    ArticleTranslation.objects.create(
        article=article, language="es", title="Tarjetas regalo", body="Valen 2 años."
    )
    question = "How long are gift cards valid?"
    assert "valid for 2 years" in search_passages(question, limit=1)[0].text
    with CaptureQueriesContext(connection) as queries:
        again = search_passages(question, limit=1)
    assert "valid for 2 years" in again[0].text
    assert not any("body" in query["sql"] for query in queries)  # kept since the first read
    assert search_passages(question, limit=1, language="es")[0].text == "Valen 2 años."

    KnowledgeArticle.objects.filter(pk=article.pk).update(body="Gift cards are valid for ever.")
    ArticleTranslation.objects.filter(article=article).update(body="Valen para siempre.")

    assert "for ever" in search_passages(question, limit=1)[0].text
    assert search_passages(question, limit=1, language="es")[0].text == "Valen para siempre."


def test_migrate_puts_back_triggers_a_table_rebuild_dropped():
    # SQLite drops a table's triggers when a migration rebuilds the table.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in WATCHED_TABLES:
                cursor.execute(f"DROP TRIGGER knowledge_version_{table}_update")
        else:
            for table in WATCHED_TABLES:
                cursor.execute(f"DROP TRIGGER knowledge_version_{table} ON {table}")
    article = make_article("Gift cards", "Gift cards are valid for 2 years.")
    before = version()
    KnowledgeArticle.objects.filter(pk=article.pk).update(body="Gift cards never expire.")
    assert version() == before
    call_command("migrate", verbosity=0)
    KnowledgeArticle.objects.filter(pk=article.pk).update(body="Gift cards are for ever.")
    assert version() != before
