"""`load_demo_kb`: loads the demo help centre once, never touches what admins wrote."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from support.knowledge.demo_articles import DEMO_ARTICLES
from support.knowledge.models import KnowledgeArticle

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_kb", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        KnowledgeArticle.objects.order_by("slug").values_list(
            "slug", "title", "category", "body", "published", "updated_at"
        )
    )


def test_loads_at_least_thirty_articles_across_the_store_topics():
    assert f"{len(DEMO_ARTICLES)} created, 0 reset, 0 kept" in load()
    assert KnowledgeArticle.objects.filter(published=True).count() >= 30
    categories = set(KnowledgeArticle.objects.values_list("category", flat=True))
    assert {"shipping", "returns", "payments", "accounts", "orders", "products"} <= categories


def test_every_demo_article_has_two_to_four_paragraphs():
    for slug, _category, _title, body in DEMO_ARTICLES:
        paragraphs = [p for p in body.split("\n\n") if p.strip()]
        assert 2 <= len(paragraphs) <= 4, slug


def test_loading_twice_changes_nothing():
    load()
    before = snapshot()
    assert f"0 created, 0 reset, {len(DEMO_ARTICLES)} kept" in load()
    assert snapshot() == before


def test_admin_edits_are_kept_unless_replace_is_asked():
    load()
    article = KnowledgeArticle.objects.get(slug="warranty")
    article.body, article.published, article.category = "Edited by an admin.", False, "misc"
    article.save()
    load()
    assert KnowledgeArticle.objects.get(slug="warranty").body == "Edited by an admin."
    assert "1 reset" in load("--replace")
    # --replace restores the whole demo article: text, category and publication.
    article.refresh_from_db()
    assert (article.body.startswith("All Northwind products"), article.category) == (
        True,
        "products",
    )
    assert article.published


def test_articles_written_in_the_admin_survive_every_load():
    ours = KnowledgeArticle.objects.create(slug="our-own", title="Our own", body="Written here.")
    load()
    load("--replace")
    ours.refresh_from_db()
    assert (ours.title, ours.body) == ("Our own", "Written here.")
