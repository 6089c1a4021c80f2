"""The knowledge-base admin: admins list, find and unpublish articles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from support.knowledge.models import KnowledgeArticle
from support.knowledge.search import search_passages

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/knowledge/knowledgearticle/"


def make_article(title: str, body: str, **fields) -> KnowledgeArticle:
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    return KnowledgeArticle.objects.create(title=title, body=body, **fields)


@pytest.fixture
def admin_client(client: Client) -> Client:
    # force_login, not a password: hashing one costs a second per test.
    client.force_login(User.objects.create(username="ada", is_staff=True, is_superuser=True))
    return client


def test_changelist_searches_titles_and_bodies(admin_client):
    make_article("Snowshoe rental", "We rent snowshoes for $12 a day.", category="products")
    make_article("Gift cards", "Gift cards are valid for 2 years.", category="payments")
    page = admin_client.get(CHANGELIST, {"q": "snowshoes"}).content.decode()
    assert "Snowshoe rental" in page
    assert "Gift cards" not in page


def test_changelist_filters_by_category_and_published(admin_client):
    make_article("Snowshoe rental", "We rent snowshoes.", category="products", published=False)
    make_article("Gift cards", "Gift cards are valid for 2 years.", category="payments")
    page = admin_client.get(CHANGELIST, {"published__exact": "0"}).content.decode()
    assert "Snowshoe rental" in page
    assert "Gift cards" not in page
    page = admin_client.get(CHANGELIST, {"category": "payments"}).content.decode()
    assert "Gift cards" in page
    assert "Snowshoe rental" not in page


def test_add_form_fills_the_slug_from_the_title(admin_client):
    page = admin_client.get(f"{CHANGELIST}add/").content.decode()
    # Django's prepopulate script reads this JSON: slug (#id_slug) follows title (#id_title).
    assert "&quot;id&quot;: &quot;#id_slug&quot;" in page
    assert "&quot;dependency_ids&quot;: [&quot;#id_title&quot;]" in page


def test_unpublish_action_takes_an_article_out_of_the_answers(admin_client):
    article = make_article("Snowshoe rental", "We rent snowshoes for $12 a day.")
    admin_client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk]}, follow=True
    )
    article.refresh_from_db()
    assert not article.published
    assert search_passages("snowshoe rental") == []
