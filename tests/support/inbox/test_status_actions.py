"""Hand back to AI, resolve, reopen, transfer: through the one state machine, each audited
with the agent who did it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.conversations.audit import verify_chain
from support.conversations.models import AuditEvent, Conversation, Status

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db


def last_status_event(conversation: Conversation) -> AuditEvent:
    return AuditEvent.objects.filter(conversation=conversation, kind="status.changed").order_by(
        "-index"
    )[0]


def test_hand_back_returns_the_conversation_to_the_ai(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    client.post(reverse("inbox:hand_back", args=[conversation.public_id]))
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent) == (Status.AI, None)
    event = last_status_event(conversation)
    assert (event.actor, event.data["to"], event.data["reason"]) == (
        "agent:dana",
        "ai",
        "handed_back",
    )
    notice = conversation.messages.order_by("-seq")[0]
    assert notice.role == "system" and "automatic assistant" in notice.text


def test_resolve_closes_the_conversation(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    client.post(reverse("inbox:resolve", args=[conversation.public_id]))
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    assert conversation.resolved_at is not None
    event = last_status_event(conversation)
    assert (event.actor, event.data["reason"]) == ("agent:dana", "resolved_by_agent")


def test_another_agents_conversation_cannot_be_resolved_or_handed_back(client, dana, eli):
    conversation = claimed_conversation(dana)
    client.force_login(eli)
    for name in ("inbox:resolve", "inbox:hand_back"):
        response = client.post(reverse(name, args=[conversation.public_id]), follow=True)
        assert "Dana has already taken this conversation." in response.content.decode()
    assert Conversation.objects.get(pk=conversation.pk).status == Status.AGENT


def test_a_superuser_may_step_in(client, dana, admin_user):
    conversation = claimed_conversation(dana)
    client.force_login(admin_user)
    client.post(reverse("inbox:resolve", args=[conversation.public_id]))
    assert Conversation.objects.get(pk=conversation.pk).status == Status.RESOLVED
    assert last_status_event(conversation).actor == "agent:ada"


def test_reopen_puts_a_resolved_conversation_back_in_the_queue(client, dana, eli):
    conversation = claimed_conversation(dana)
    client.force_login(dana)
    client.post(reverse("inbox:resolve", args=[conversation.public_id]))
    client.force_login(eli)
    client.post(reverse("inbox:reopen", args=[conversation.public_id]))
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent) == (Status.WAITING, None)
    event = last_status_event(conversation)
    assert (event.actor, event.data) == (
        "agent:eli",
        {"from": "resolved", "to": "waiting", "reason": "reopened_by_agent"},
    )


def test_reopen_refuses_an_open_conversation(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    response = client.post(reverse("inbox:reopen", args=[conversation.public_id]), follow=True)
    assert "Only a resolved conversation can be reopened." in response.content.decode()


def test_transfer_hands_the_conversation_to_another_agent(client, dana, eli):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    client.post(reverse("inbox:transfer", args=[conversation.public_id]), {"to_agent": eli.pk})
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent) == (Status.AGENT, eli)
    transfer = AuditEvent.objects.get(conversation=conversation, kind="transfer")
    assert (transfer.actor, transfer.data) == (
        "agent:dana",
        {"from_agent": "dana", "to_agent": "eli"},
    )
    assert last_status_event(conversation).data == {
        "from": "agent",
        "to": "agent",
        "reason": "transfer",
    }
    assert conversation.messages.order_by("-seq")[0].text == "Eli took over the conversation."


def test_transfer_only_to_an_agent(client, dana):
    from tests.plugins.personas import make_staff

    sam = make_staff("sam", "Sam")
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    client.post(reverse("inbox:transfer", args=[conversation.public_id]), {"to_agent": sam.pk})
    assert Conversation.objects.get(pk=conversation.pk).assigned_agent == dana


def test_every_action_keeps_the_audit_chain_intact(client, dana, eli):
    conversation = claimed_conversation(dana)
    client.force_login(dana)
    client.post(reverse("inbox:reply", args=[conversation.public_id]), {"text": "Hello"})
    client.post(reverse("inbox:note", args=[conversation.public_id]), {"text": "VIP"})
    client.post(reverse("inbox:transfer", args=[conversation.public_id]), {"to_agent": eli.pk})
    client.force_login(eli)
    client.post(reverse("inbox:resolve", args=[conversation.public_id]))
    client.post(reverse("inbox:reopen", args=[conversation.public_id]))
    client.post(reverse("inbox:hand_back", args=[conversation.public_id]))
    conversation.refresh_from_db()
    assert verify_chain(conversation, conversation.audit_events.order_by("index")) == []
    seqs = list(conversation.messages.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, conversation.last_seq + 1))


def test_with_one_agent_there_is_no_empty_transfer_list(client, dana):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    assert "Transfer to" not in html
    assert "No other agent to transfer to." in html


def test_with_a_second_agent_the_transfer_list_names_them(client, dana, eli):
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    assert "Transfer to" in html and ">Eli</option>" in html
