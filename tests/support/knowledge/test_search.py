"""Knowledge search: the right passage for a question, a low score for what the help centre
does not cover, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from support.knowledge.models import KnowledgeArticle
from support.knowledge.search import search_passages, stem

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_centre():
    call_command("load_demo_kb", verbosity=0)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("How long does shipping take?", "How long does shipping take?"),
        ("Do you ship internationally?", "Do you ship internationally?"),
        ("I forgot my password", "I forgot my password"),
        ("which payment methods do you take", "Which payment methods do you accept?"),
        ("When do I get my refund", "When will I get my refund?"),
        ("How do I wash my waterproof jacket", "Caring for waterproof jackets"),
    ],
)
def test_typical_question_finds_its_article_with_a_high_score(help_centre, question, title):
    best = search_passages(question)[0]
    assert best.title == title
    assert best.score > 0.5


@pytest.mark.parametrize(
    "question",
    ["What is the capital of France?", "My cat is sick", "Can your team paint my garage purple?"],
)
def test_unrelated_question_scores_below_the_retrieval_floor(help_centre, question, settings):
    passages = search_passages(question)
    assert all(p.score < settings.LADDER_RETRIEVAL_FLOOR for p in passages)


@pytest.mark.parametrize(
    "question", ['"', "AND OR NOT*", "NEAR(a b)", "title:x", "-- ; DROP TABLE", ""]
)
def test_query_syntax_in_a_question_never_breaks_the_search(help_centre, question):
    assert isinstance(search_passages(question), list)


def test_unpublished_articles_are_never_returned(help_centre):
    KnowledgeArticle.objects.filter(slug="shipping-times").update(published=False)
    titles = {p.title for p in search_passages("How long does shipping take?", limit=10)}
    assert "How long does shipping take?" not in titles


def test_an_edited_article_is_found_by_its_new_words(help_centre):
    article = KnowledgeArticle.objects.get(slug="gift-cards")
    article.body = "Gift cards never expire and can be used for snowshoe rentals."
    article.save()
    [best] = search_passages("snowshoe rentals", limit=1)
    assert best.title == "Gift cards"


def test_limit_and_order_best_first(help_centre):
    passages = search_passages("shipping costs", limit=4)
    assert len(passages) == 4
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_stemming_joins_word_forms():
    assert stem("shipping") == stem("ships") == stem("ship")
    assert stem("returned") == stem("returns") == stem("return")
