"""The inbox says who the customer is: name (verified or not), email, the page they wrote from,
their language and, for a verified customer only, their earlier conversations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.conversations.identity import Identity, do_identify_customer
from support.conversations.models import Conversation

from .inbox import waiting_conversation

pytestmark = pytest.mark.django_db


def identified(identity: Identity, **fields) -> Conversation:
    conversation = waiting_conversation()
    Conversation.objects.filter(pk=conversation.pk).update(**fields)
    return do_identify_customer(conversation.pk, identity)


def page_of(client, conversation: Conversation) -> str:
    return client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()


def test_a_verified_customer_shows_with_their_earlier_conversations(client, dana):
    kim = Identity("cust-1001", "Kim Lee", "kim@example.com", verified=True)
    earlier = identified(kim)
    now = identified(kim, customer_page="https://shop.example/orders/42", language="de-DE")
    client.force_login(dana)
    html = page_of(client, now)
    assert "Kim Lee" in html and 'class="badge verified"' in html
    assert "kim@example.com" in html
    assert 'href="https://shop.example/orders/42"' in html
    assert "de-DE" in html
    assert reverse("inbox:conversation", args=[earlier.public_id]) in html
    # The queue names the customer instead of "Visitor".
    queue = client.get(reverse("inbox:queue")).content.decode()
    assert queue.count("Kim Lee") == 2 and "unverified" not in queue


def test_an_unverified_name_is_marked_and_links_nothing(client, dana):
    identified(Identity("", "Kim Lee", "", verified=True))  # someone else's, verified
    claimed = identified(Identity("", "Kim Lee", "", verified=False))
    client.force_login(dana)
    html = page_of(client, claimed)
    assert 'class="badge unverified"' in html
    assert "only a verified customer" in html
    assert 'class="earlier"' not in html
    assert "unverified" in client.get(reverse("inbox:queue")).content.decode()
