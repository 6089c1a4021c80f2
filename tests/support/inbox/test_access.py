"""Only support agents reach the inbox: anonymous visitors get the login page, others 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.conversations.models import Conversation, Status
from tests.plugins.personas import make_staff

from .inbox import waiting_conversation

pytestmark = pytest.mark.django_db

PAGES = ["inbox:queue", "inbox:presence"]
CONVERSATION_PAGES = ["inbox:conversation"]
CONVERSATION_ACTIONS = [
    "inbox:claim",
    "inbox:reply",
    "inbox:note",
    "inbox:draft",
    "inbox:hand_back",
    "inbox:resolve",
    "inbox:reopen",
    "inbox:transfer",
]


def every_route(conversation: Conversation) -> list[tuple[str, str]]:
    routes = [("get", reverse(name)) for name in PAGES]
    routes += [("get", reverse(name, args=[conversation.public_id])) for name in CONVERSATION_PAGES]
    routes += [
        ("post", reverse(name, args=[conversation.public_id])) for name in CONVERSATION_ACTIONS
    ]
    return routes


@pytest.fixture
def sam(db):
    """Staff, but not an agent (say, someone from marketing with admin access)."""
    return make_staff("sam", "Sam")


@pytest.fixture
def customer_user(db):
    """In the agents group by mistake, but not staff."""
    user = make_staff("casey", "Casey", "agents")
    user.is_staff = False
    user.save()
    return user


def test_anonymous_visitors_get_the_login_page_on_every_route(client):
    conversation = waiting_conversation()
    for method, url in every_route(conversation):
        response = getattr(client, method)(url, {"text": "hi"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url
    # Nothing an anonymous visitor sent changed the conversation.
    assert Conversation.objects.get(pk=conversation.pk).status == Status.WAITING


@pytest.mark.parametrize("persona", ["sam", "customer_user"])
def test_logged_in_non_agents_get_403_on_every_route(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    conversation = waiting_conversation()
    for method, url in every_route(conversation):
        response = getattr(client, method)(url, {"text": "hi"})
        assert response.status_code == 403, url
    assert Conversation.objects.get(pk=conversation.pk).status == Status.WAITING
    assert not conversation.messages.filter(role="agent").exists()


def test_agents_and_superusers_reach_the_inbox(client, dana, admin_user):
    for user in (dana, admin_user):
        client.force_login(user)
        assert client.get(reverse("inbox:queue")).status_code == 200


def test_a_conversation_that_does_not_exist_is_404(client, dana):
    client.force_login(dana)
    url = reverse("inbox:conversation", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_actions_only_accept_post(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    response = client.get(reverse("inbox:claim", args=[conversation.public_id]))
    assert response.status_code == 405
    assert Conversation.objects.get(pk=conversation.pk).status == Status.WAITING
