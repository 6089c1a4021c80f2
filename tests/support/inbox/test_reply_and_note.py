"""Replies reach the customer; internal notes stay with staff. Both are audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.conversations.models import AuditEvent, Message
from support.conversations.stored_frames import stored_history

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db


def test_reply_is_stored_as_the_agents_message_and_audited(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    response = client.post(
        reverse("inbox:reply", args=[conversation.public_id]),
        {"text": "  Hi, I'm Dana. Let me check your order.  "},
    )
    assert response.status_code == 302
    reply = Message.objects.filter(conversation=conversation).order_by("-seq")[0]
    assert (reply.role, reply.author, reply.text, reply.internal) == (
        "agent",
        "Dana",
        "Hi, I'm Dana. Let me check your order.",
        False,
    )
    event = AuditEvent.objects.get(conversation=conversation, kind="message.agent")
    assert event.actor == "agent:dana"
    assert event.data == {
        "seq": reply.seq,
        "agent": "dana",
        "chars": len(reply.text),
        # The keyed digest of the reply's text: editing what the agent said shows.
        "text_seq": reply.seq,
        "text_digest": reply.text_mac,
    }


def test_reply_over_htmx_returns_the_transcript_entry(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    response = client.post(
        reverse("inbox:reply", args=[conversation.public_id]),
        {"text": "On its way!"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith("<li")
    assert "On its way!" in html and 'data-seq="' in html


def test_only_the_owner_may_reply(client, dana, eli):
    conversation = claimed_conversation(dana)
    client.force_login(eli)
    response = client.post(
        reverse("inbox:reply", args=[conversation.public_id]), {"text": "Me too!"}, follow=True
    )
    assert "Dana has already taken this conversation." in response.content.decode()
    assert not Message.objects.filter(conversation=conversation, role="agent").exists()


def test_a_waiting_conversation_must_be_claimed_before_replying(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    response = client.post(
        reverse("inbox:reply", args=[conversation.public_id]), {"text": "Hello"}, follow=True
    )
    assert "Claim the conversation before you reply" in response.content.decode()


def test_an_empty_reply_is_refused(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    response = client.post(
        reverse("inbox:reply", args=[conversation.public_id]),
        {"text": "   "},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Retarget"] == "#conversation-alert"
    assert not Message.objects.filter(conversation=conversation, role="agent").exists()


def test_note_is_internal_audited_and_never_in_the_customers_history(client, dana, eli):
    conversation = claimed_conversation(dana)
    # Any agent may leave a note, owner or not.
    client.force_login(eli)
    client.post(
        reverse("inbox:note", args=[conversation.public_id]),
        {"text": "Customer called last week too."},
    )
    note = Message.objects.get(conversation=conversation, internal=True)
    assert (note.role, note.author) == ("agent", "Eli")
    event = AuditEvent.objects.get(conversation=conversation, kind="note.added")
    assert (event.actor, event.data["seq"]) == ("agent:eli", note.seq)
    # What a resuming widget would be sent:
    assert note.seq not in [m["seq"] for m in stored_history(conversation.pk, 0)]
    page = client.get(reverse("inbox:conversation", args=[conversation.public_id]))
    assert "Customer called last week too." in page.content.decode()
    assert "Not sent to the customer" in page.content.decode()
