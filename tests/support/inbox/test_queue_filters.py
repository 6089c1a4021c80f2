"""The queue filters by reason, language, site and assignee and sorts by waiting time, all in
the URL; values it does not offer are ignored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.conversations.models import Conversation

from .inbox import waiting_conversation

pytestmark = pytest.mark.django_db


def rows(client, **params) -> list[str]:
    html = client.get(reverse("inbox:queue"), params).content.decode()
    return [part.split('"', 1)[0] for part in html.split('<tr data-conversation="')[1:]]


def test_filters_narrow_the_queue_and_sort_flips_it(client, dana):
    complaint = waiting_conversation("This is unacceptable", reason="complaint")
    asked = waiting_conversation("A person please")
    Conversation.objects.filter(pk=asked.pk).update(language="de-DE", origin="https://help.example")
    client.force_login(dana)
    assert rows(client) == [str(complaint.public_id), str(asked.public_id)]
    assert rows(client, sort="newest") == [str(asked.public_id), str(complaint.public_id)]
    assert rows(client, reason="complaint") == [str(complaint.public_id)]
    assert rows(client, language="de-DE") == [str(asked.public_id)]
    assert rows(client, site="https://help.example") == [str(asked.public_id)]
    assert rows(client, assignee="none", reason="complaint") == [str(complaint.public_id)]
    assert rows(client, assignee=str(dana.pk)) == []


def test_values_the_queue_does_not_offer_are_ignored(client, dana):
    waiting_conversation()
    client.force_login(dana)
    response = client.get(reverse("inbox:queue"), {"reason": "<x>", "sort": "x", "assignee": "a"})
    assert response.status_code == 200
    assert len(rows(client, reason="<x>", sort="x", assignee="a")) == 1
