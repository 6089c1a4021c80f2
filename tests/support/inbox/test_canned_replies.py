"""Agents manage canned replies in the inbox (the admin edits the same rows); the demo store
comes with ten; the reply box carries them for its / picker."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from support.inbox.models import CannedReply

from .inbox import claimed_conversation

pytestmark = pytest.mark.django_db


def test_an_agent_adds_edits_and_deletes_a_canned_reply(client, dana):
    client.force_login(dana)
    response = client.post(
        reverse("inbox:canned"), {"title": "Warranty", "body": "Our boots carry 2 years."}
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get(title="Warranty")
    assert "Warranty" in client.get(reverse("inbox:canned")).content.decode()

    client.post(
        reverse("inbox:canned_edit", args=[reply.pk]),
        {"title": "Warranty", "body": "Our boots carry a 2-year warranty."},
    )
    reply.refresh_from_db()
    assert reply.body == "Our boots carry a 2-year warranty."

    client.post(reverse("inbox:canned_delete", args=[reply.pk]))
    assert not CannedReply.objects.exists()


def test_a_canned_reply_needs_a_title_and_a_body(client, dana):
    client.force_login(dana)
    response = client.post(reverse("inbox:canned"), {"title": "", "body": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not CannedReply.objects.exists()


def test_only_agents_manage_canned_replies(client, django_user_model):
    outsider = django_user_model.objects.create_user("sam", password="sam-password")
    client.force_login(outsider)
    assert client.get(reverse("inbox:canned")).status_code == 403
    client.logout()
    assert client.get(reverse("inbox:canned")).status_code == 302  # to the login page


def test_the_demo_set_has_ten_and_loading_twice_keeps_edits():
    call_command("load_demo_canned_replies", stdout=io.StringIO())
    assert CannedReply.objects.count() == 10
    CannedReply.objects.filter(title="Greeting").update(body="Hello from us!")
    call_command("load_demo_canned_replies", stdout=io.StringIO())
    assert CannedReply.objects.count() == 10
    assert CannedReply.objects.get(title="Greeting").body == "Hello from us!"


def test_the_reply_box_carries_the_replies_for_its_picker(client, dana):
    CannedReply.objects.create(title="Greeting", body='Hi <b>there</b> "friend"')
    conversation = claimed_conversation(dana)
    client.force_login(dana)
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    data = html.split('<script id="canned-replies" type="application/json">', 1)[1]
    replies = json.loads(data.split("</script>", 1)[0])
    assert [r["title"] for r in replies] == ["Greeting"]
    assert replies[0]["body"] == 'Hi <b>there</b> "friend"'
    assert "<b>there</b>" not in html  # escaped inside the data block
