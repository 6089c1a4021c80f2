"""The AI-drafted reply: the agent asks, edits and sends; the draft and its cost are audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from django.urls import reverse

from routing.ledger import spent_today_usd
from routing.providers import Finished, ProviderRequest, TextDelta
from support.conversations import agent_actions
from support.conversations.models import AuditEvent, Message

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db(transaction=True)


class ScriptedStrongModel:
    """Stands in for the strong model at the provider interface (no SDK involved)."""

    name = "anthropic"

    def __init__(self) -> None:
        self.requests: list[ProviderRequest] = []

    async def stream(self, request: ProviderRequest) -> AsyncIterator[object]:
        self.requests.append(request)
        for piece in ("Hello! Standard shipping takes ", "3 to 5 business days."):
            yield TextDelta(piece)
        yield Finished(
            model="claude-sonnet-5-5", stop_reason="end_turn", input_tokens=1000, output_tokens=200
        )


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


def test_strong_model_draft_is_audited_with_its_cost(client, dana, demo_kb, monkeypatch):
    model = ScriptedStrongModel()
    monkeypatch.setattr(agent_actions, "get_provider", lambda name=None: model)
    client.force_login(dana)
    conversation = claimed_conversation(dana, "How long does shipping take?")
    response = client.post(reverse("inbox:draft", args=[conversation.public_id]))
    assert "Hello! Standard shipping takes 3 to 5 business days." in response.content.decode()
    request = model.requests[0]
    assert request.tier == "strong"
    assert request.system.startswith("You draft replies for a human support agent")
    assert "<passages>" in request.messages[-1]["content"]
    event = AuditEvent.objects.get(conversation=conversation, kind="draft.created")
    # $2 per million input tokens, $10 per million output tokens.
    assert Decimal(event.data["cost_usd"]) == Decimal("0.004")
    assert (event.data["input_tokens"], event.data["output_tokens"]) == (1000, 200)
    assert spent_today_usd("strong") == Decimal("0.004")


def test_only_the_owner_may_ask_for_a_draft(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation("How long does shipping take?")
    response = client.post(reverse("inbox:draft", args=[conversation.public_id]), follow=True)
    assert "Claim the conversation before asking for a draft." in response.content.decode()
    assert not AuditEvent.objects.filter(kind="draft.created").exists()
