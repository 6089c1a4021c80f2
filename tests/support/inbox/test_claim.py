"""Claiming: one click takes a waiting conversation; a second agent is told who has it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.conversations.models import AuditEvent, Conversation, Status

from .inbox import waiting_conversation

pytestmark = pytest.mark.django_db


def test_claim_makes_the_agent_the_owner_and_audits_who_did_it(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    response = client.post(reverse("inbox:claim", args=[conversation.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:conversation", args=[conversation.public_id])
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent) == (Status.AGENT, dana)
    event = AuditEvent.objects.filter(conversation=conversation).order_by("-index")[0]
    assert (event.kind, event.actor) == ("status.changed", "agent:dana")
    assert event.data == {"from": "waiting", "to": "agent", "reason": "claimed"}
    # The customer reads who joined, in the transcript that resumes too.
    last = conversation.messages.order_by("-seq")[0]
    assert (last.role, last.text) == ("system", "Dana joined the conversation.")


def test_second_agent_is_told_who_has_it_and_changes_nothing(client, dana, eli):
    conversation = waiting_conversation()
    client.force_login(dana)
    client.post(reverse("inbox:claim", args=[conversation.public_id]))
    audit_count = Conversation.objects.get(pk=conversation.pk).audit_count
    client.force_login(eli)
    response = client.post(reverse("inbox:claim", args=[conversation.public_id]), follow=True)
    assert "Dana has already taken this conversation." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assigned_agent == dana
    assert conversation.audit_count == audit_count


def test_claim_over_htmx_swaps_in_the_panel_with_the_reply_box(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    response = client.post(
        reverse("inbox:claim", args=[conversation.public_id]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="conversation-panel"')
    assert 'id="reply-text"' in html
    assert "You have this conversation now." in html


def test_losing_a_claim_over_htmx_shows_the_alert_in_place(client, dana, eli):
    conversation = waiting_conversation()
    client.force_login(dana)
    client.post(reverse("inbox:claim", args=[conversation.public_id]))
    client.force_login(eli)
    response = client.post(
        reverse("inbox:claim", args=[conversation.public_id]), headers={"HX-Request": "true"}
    )
    assert response["HX-Retarget"] == "#conversation-alert"
    assert "Dana has already taken this conversation." in response.content.decode()


def test_a_conversation_with_the_ai_cannot_be_claimed(client, dana):
    from support.conversations.actions import do_start_conversation

    client.force_login(dana)
    conversation = do_start_conversation()
    response = client.post(reverse("inbox:claim", args=[conversation.public_id]), follow=True)
    assert "Only a conversation waiting for a person can be claimed" in response.content.decode()
    assert Conversation.objects.get(pk=conversation.pk).status == Status.AI
