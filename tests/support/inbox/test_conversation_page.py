"""The conversation page: the transcript with every role, the AI's decisions inline, the
actions an agent may take, canned replies, and times as ISO for the agent's own zone."""

from __future__ import annotations

import time
import uuid

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from support.conversations import actions, answer_tasks
from support.inbox.models import CannedReply

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db


def answered_then_handed_off(question: str, follow_up: str):
    conversation = actions.do_start_conversation()
    for text in (question, follow_up):
        stored = actions.do_record_customer_message(
            conversation.pk, client_id=str(uuid.uuid4()), text=text
        )
        async_to_sync(answer_tasks.answer_customer_message)(
            conversation.pk, stored.message.seq, time.perf_counter()
        )
    conversation.refresh_from_db()
    return conversation


@pytest.mark.django_db(transaction=True)
def test_transcript_shows_ai_decisions_inline_and_collapsed(client, dana, demo_kb, settings):
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0
    conversation = answered_then_handed_off(
        "How long does shipping take?", "I want to talk to a real person"
    )
    assert conversation.status == "waiting"
    client.force_login(dana)
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    # Every role: the customer's questions, the AI's answer, the handoff notice.
    assert "How long does shipping take?" in html
    assert "3 to 5 business days" in html
    assert "AI assistant" in html and "Notice" in html
    # The routing steps, collapsed under the question they were about.
    assert '<details class="decisions">' in html
    assert "Knowledge search" in html
    # The search names the articles it found, not only how many passages.
    found = html.split('<ul class="articles-used">', 1)[1].split("</ul>", 1)[0]
    assert "How long does shipping take?" in found
    assert "Model call: local" in html
    assert "Decision: Hand to people" in html
    assert "Asked for a person" in html
    # Status changes show in the timeline as well.
    assert "Status ai → waiting" in html


def test_waiting_conversation_offers_claim_not_the_reply_box(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation()
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    assert f'action="/inbox/c/{conversation.public_id}/claim/"' in html
    assert 'id="reply-text"' not in html
    assert "Claim the conversation to reply." in html


def test_owner_gets_reply_box_with_canned_replies_and_times_in_iso(client, dana):
    CannedReply.objects.create(title="Greeting", body="Hi! Thanks for waiting.")
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    assert 'id="reply-text"' in html and "data-enter-sends" in html
    assert 'data-body="Hi! Thanks for waiting."' in html
    assert f'datetime="{conversation.created_at.isoformat()}" data-local' in html
    assert "style=" not in html  # CSP: no inline styles
    assert "<script>" not in html  # CSP: no inline scripts


def test_canned_reply_fills_the_reply_box_without_javascript(client, dana):
    canned = CannedReply.objects.create(title="Refund", body="Your refund is on its way.")
    client.force_login(dana)
    conversation = claimed_conversation(dana)
    url = reverse("inbox:conversation", args=[conversation.public_id])
    html = client.get(url, {"canned": canned.pk}).content.decode()
    assert ">Your refund is on its way.</textarea>" in html


def test_other_agents_see_the_owner_and_no_reply_box(client, dana, eli):
    conversation = claimed_conversation(dana)
    client.force_login(eli)
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    assert 'class="assigned-agent">Dana<' in html
    assert 'id="reply-text"' not in html
