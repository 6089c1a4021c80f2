"""`load_demo_kb`: loads the demo help centre once, keeps what admins wrote."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from support.knowledge.models import KnowledgeArticle

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_kb", *args, stdout=out)
    return out.getvalue()


def test_loads_at_least_thirty_articles_across_the_store_topics():
    assert "created" in load()
    assert KnowledgeArticle.objects.count() >= 30
    categories = set(KnowledgeArticle.objects.values_list("category", flat=True))
    assert {"shipping", "returns", "payments", "accounts", "orders", "products"} <= categories


def test_loading_twice_changes_nothing():
    load()
    before = list(
        KnowledgeArticle.objects.order_by("slug").values_list("slug", "body", "updated_at")
    )
    assert "0 created" in load()
    assert (
        list(KnowledgeArticle.objects.order_by("slug").values_list("slug", "body", "updated_at"))
        == before
    )


def test_admin_edits_and_articles_are_kept_unless_replace_is_asked():
    load()
    KnowledgeArticle.objects.create(slug="our-own", title="Our own article", body="Written here.")
    KnowledgeArticle.objects.filter(slug="warranty").update(body="Edited by an admin.")
    load()
    assert KnowledgeArticle.objects.get(slug="warranty").body == "Edited by an admin."
    load("--replace")
    assert KnowledgeArticle.objects.get(slug="warranty").body != "Edited by an admin."
    assert KnowledgeArticle.objects.filter(slug="our-own").exists()
