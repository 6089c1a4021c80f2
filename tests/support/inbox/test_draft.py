"""The AI-drafted reply: the agent asks, edits and sends; the draft and its cost are audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from routing.model_call import DraftAudit
from support.conversations.ledger import spent_today_usd
from support.conversations.models import AuditEvent, Message

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db(transaction=True)


def test_local_provider_drafts_the_best_passage_and_audits_it(client, dana, demo_kb):
    client.force_login(dana)
    conversation = claimed_conversation(dana, "How long does shipping take?")
    response = client.post(
        reverse("inbox:draft", args=[conversation.public_id]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Standard shipping takes 3 to 5 business days" in html
    assert "How long does shipping take?" in html  # the passage it came from
    assert "<textarea" in html
    event = AuditEvent.objects.get(conversation=conversation, kind="draft.created")
    assert event.actor == "agent:dana"
    assert (event.data["provider"], event.data["model"]) == ("local", "local")
    assert Decimal(event.data["cost_usd"]) == 0
    assert event.data["articles"][0]["id"] == demo_kb[0].pk
    assert event.data["draft"].startswith("Standard shipping")
    # A draft is not a message: nothing was sent to the customer.
    assert not Message.objects.filter(conversation=conversation, role="agent").exists()


def test_strong_model_draft_through_the_sdk_is_audited_and_its_spend_booked(
    client, dana, demo_kb, fake_anthropic
):
    # The provider's stream opens with Started, as the real API's message_start does.
    fake_anthropic.script(
        {
            "text": "Hello! Standard shipping takes 3 to 5 business days.",
            "input_tokens": 1000,
            "output_tokens": 200,
            "cache_creation_input_tokens": 0,
        }
    )
    client.force_login(dana)
    conversation = claimed_conversation(dana, "How long does shipping take?")
    response = client.post(reverse("inbox:draft", args=[conversation.public_id]))
    assert response.status_code == 200
    assert "Hello! Standard shipping takes 3 to 5 business days." in response.content.decode()
    body = fake_anthropic.requests[0]["body"]
    assert body["model"] == "claude-sonnet-5-5"
    assert "You draft replies for a human support agent" in str(body["system"])
    assert "<passages>" in str(body["messages"][-1]["content"])
    event = AuditEvent.objects.get(conversation=conversation, kind="draft.created")
    draft = DraftAudit.from_audit(event.data)
    # $2 per million input tokens, $10 per million output tokens.
    assert draft.cost == Decimal("0.004")
    assert (draft.provider, draft.model, draft.error) == ("anthropic", "claude-sonnet-5-5", None)
    assert (draft.input_tokens, draft.output_tokens) == (1000, 200)
    # The spend counts against the strong tier's daily cap like any other Sonnet call.
    assert spent_today_usd("strong") == Decimal("0.004")


def test_failed_draft_says_so_and_still_books_what_was_spent(client, dana, demo_kb, fake_anthropic):
    fake_anthropic.script({"status": 400, "error_message": "prompt is too long"})
    client.force_login(dana)
    conversation = claimed_conversation(dana, "How long does shipping take?")
    response = client.post(reverse("inbox:draft", args=[conversation.public_id]), follow=True)
    assert "The model could not write a draft just now." in response.content.decode()
    event = AuditEvent.objects.get(conversation=conversation, kind="draft.created")
    assert DraftAudit.from_audit(event.data).error == "bad_request"


def test_only_the_owner_may_ask_for_a_draft(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation("How long does shipping take?")
    response = client.post(reverse("inbox:draft", args=[conversation.public_id]), follow=True)
    assert "Claim the conversation before asking for a draft." in response.content.decode()
    assert not AuditEvent.objects.filter(kind="draft.created").exists()
