"""The queue: tabs, oldest first, reason, last customer message, unread count, search, pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from support.conversations.models import Conversation
from support.inbox.models import ReadMark

from .inbox import claimed_conversation, customer_writes, waiting_conversation

pytestmark = pytest.mark.django_db


def waited(conversation: Conversation, minutes: int) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(
        waiting_since=timezone.now() - timedelta(minutes=minutes)
    )


def row_order(html: str, conversations: list[Conversation]) -> list[int]:
    return sorted(
        range(len(conversations)), key=lambda i: html.index(str(conversations[i].public_id))
    )


def test_waiting_tab_lists_the_longest_waiting_customer_first(client, dana):
    client.force_login(dana)
    recent = waiting_conversation("Where is my parcel?")
    oldest = waiting_conversation("I want to cancel my subscription.", reason="cancellation")
    middle = waiting_conversation("This is unacceptable!", reason="complaint")
    waited(recent, 1)
    waited(oldest, 30)
    waited(middle, 10)
    html = client.get(reverse("inbox:queue")).content.decode()
    assert row_order(html, [oldest, middle, recent]) == [0, 1, 2]


def test_queue_row_shows_reason_label_last_message_and_live_waiting_time(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation("I was charged twice!", reason="complaint")
    customer_writes(conversation, "Hello? Anyone there?")
    html = client.get(reverse("inbox:queue")).content.decode()
    assert "Complaint" in html  # the reason's label, not its code
    assert "Hello? Anyone there?" in html  # the customer's latest message
    # The waiting time is an ISO timestamp the page's script keeps counting.
    assert f'datetime="{conversation.waiting_since.isoformat()}" data-elapsed' in html


def test_unread_counts_customer_messages_the_agent_has_not_seen(client, dana):
    client.force_login(dana)
    conversation = waiting_conversation("First")
    customer_writes(conversation, "Second")
    response = client.get(reverse("inbox:queue"))
    assert response.context["queue"].rows[0].unread == 2
    client.get(reverse("inbox:conversation", args=[conversation.public_id]))
    assert ReadMark.objects.get(agent=dana, conversation=conversation).last_read_seq > 0
    customer_writes(conversation, "Third")
    response = client.get(reverse("inbox:queue"))
    assert response.context["queue"].rows[0].unread == 1


def test_tabs_split_waiting_mine_all_open_and_resolved(client, dana, eli):
    client.force_login(dana)
    waiting = waiting_conversation("waiting one")
    mine = claimed_conversation(dana, "dana's one")
    elis = claimed_conversation(eli, "eli's one")
    resolved = claimed_conversation(dana, "resolved one")
    client.post(reverse("inbox:resolve", args=[resolved.public_id]))

    def listed(tab: str) -> set[str]:
        rows = client.get(reverse("inbox:queue"), {"tab": tab}).context["queue"].rows
        return {str(row.public_id) for row in rows}

    assert listed("waiting") == {str(waiting.public_id)}
    assert listed("mine") == {str(mine.public_id)}
    assert listed("open") == {str(c.public_id) for c in (waiting, mine, elis)}
    assert listed("resolved") == {str(resolved.public_id)}


def test_search_finds_conversations_by_what_the_customer_wrote(client, dana):
    client.force_login(dana)
    parcel = waiting_conversation("My parcel never arrived")
    waiting_conversation("I need an invoice")
    response = client.get(reverse("inbox:queue"), {"q": "PARCEL"})
    assert [row.pk for row in response.context["queue"].rows] == [parcel.pk]
    response = client.get(reverse("inbox:queue"), {"q": "refund policy"})
    assert "No conversations match" in response.content.decode()


def test_pagination_keeps_the_tab_and_search(client, dana, settings):
    settings.LADDER_INBOX_PAGE_SIZE = 2
    client.force_login(dana)
    for n in range(5):
        waited(waiting_conversation(f"parcel question {n}"), 50 - n)
    first = client.get(reverse("inbox:queue"), {"q": "parcel"})
    assert len(first.context["queue"].rows) == 2
    html = first.content.decode()
    assert 'href="?q=parcel&amp;page=2"' in html
    third = client.get(reverse("inbox:queue"), {"q": "parcel", "page": 3})
    assert len(third.context["queue"].rows) == 1
    assert "Page 3 of 3" in third.content.decode()


def test_empty_queue_says_so(client, dana):
    client.force_login(dana)
    html = client.get(reverse("inbox:queue")).content.decode()
    assert "Nobody is waiting for a person" in html


def test_htmx_refresh_returns_only_the_queue_partial(client, dana):
    client.force_login(dana)
    waiting_conversation("Where is my parcel?")
    response = client.get(
        reverse("inbox:queue"),
        {"tab": "waiting"},
        headers={"HX-Request": "true", "HX-Target": "queue"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="queue"')
    assert "<html" not in html
    assert "Where is my parcel?" in html
