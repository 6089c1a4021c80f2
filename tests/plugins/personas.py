"""The people of our tests: a customer, two agents (Dana and Eli), an admin, a demo store's
knowledge base. Plain factory functions, so tests read like stories."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group, User

from support.knowledge.models import KnowledgeArticle

ALLOWED_ORIGIN = "http://127.0.0.1:8000"

SHIPPING_ARTICLE = (
    "Standard shipping takes 3 to 5 business days within the country and costs $4.95. "
    "Orders over $50 ship free. Express shipping arrives in 1 to 2 business days for $14.95."
)
RETURNS_ARTICLE = (
    "You can return any unworn item within 30 days of delivery for a full refund. "
    "Start a return from your order page; we email a prepaid return label."
)


def make_article(
    title: str, body: str, *, slug: str | None = None, **fields: Any
) -> KnowledgeArticle:
    return KnowledgeArticle.objects.create(
        slug=slug or f"{title.lower().replace(' ', '-')[:60]}-{uuid.uuid4().hex[:6]}",
        title=title,
        body=body,
        **fields,
    )


def make_staff(username: str, first_name: str, *groups: str, **fields: Any) -> User:
    user = User.objects.create_user(
        username=username,
        password=f"{username}-password",
        first_name=first_name,
        is_staff=True,
        **fields,
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def chat_socket(origin: str = ALLOWED_ORIGIN) -> WebsocketCommunicator:
    """A customer's widget socket through the real ASGI application."""
    from support.asgi import application

    headers = [(b"origin", origin.encode())] if origin else []
    return WebsocketCommunicator(application, "/ws/chat/", headers=headers)


@pytest.fixture
def demo_kb(db):
    """A small help centre: shipping and returns."""
    return [
        make_article("How long does shipping take?", SHIPPING_ARTICLE, category="shipping"),
        make_article("Can I return an item?", RETURNS_ARTICLE, category="returns"),
    ]


@pytest.fixture
def dana(db):
    return make_staff("dana", "Dana", "agents")


@pytest.fixture
def eli(db):
    return make_staff("eli", "Eli", "agents")


@pytest.fixture
def admin_user(db):
    return make_staff("ada", "Ada", "admins", is_superuser=True)
