"""The queue an agent works from: tabs, search, oldest first, last message and unread count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from routing.reasons import REASON_LABELS
from support.conversations.models import Conversation, Message, Role, Status

from .models import ReadMark

DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    empty: str


TABS = (
    Tab("waiting", "Waiting", "Nobody is waiting for a person. New handoffs appear here live."),
    Tab("mine", "Mine", "You have no open conversations. Claim one from Waiting."),
    Tab("open", "All open", "No open conversations right now."),
    Tab("resolved", "Resolved", "No resolved conversations yet."),
)
TABS_BY_SLUG = {tab.slug: tab for tab in TABS}


def tab_for(slug: str | None) -> Tab:
    return TABS_BY_SLUG.get(slug or "", TABS[0])


def page_size() -> int:
    return int(getattr(settings, "LADDER_INBOX_PAGE_SIZE", DEFAULT_PAGE_SIZE))


def _in_tab(agent: Any, tab: Tab) -> QuerySet[Conversation]:
    conversations = Conversation.objects.all()
    oldest_first: list[Any] = [F("waiting_since").asc(nulls_last=True), "created_at", "pk"]
    if tab.slug == "waiting":
        return conversations.filter(status=Status.WAITING).order_by(*oldest_first)
    if tab.slug == "mine":
        return conversations.filter(status=Status.AGENT, assigned_agent=agent).order_by(
            *oldest_first
        )
    if tab.slug == "open":
        return conversations.exclude(status=Status.RESOLVED).order_by(*oldest_first)
    return conversations.filter(status=Status.RESOLVED).order_by(
        F("resolved_at").desc(nulls_last=True), "-pk"
    )


def search(conversations: QuerySet[Conversation], text: str) -> QuerySet[Conversation]:
    """Conversations where any message, or the customer's name or email, contains `text`."""
    text = text.strip()
    if not text:
        return conversations
    mentions = Message.objects.filter(conversation=OuterRef("pk"), text__icontains=text)
    return conversations.filter(
        Q(Exists(mentions)) | Q(customer_email__icontains=text) | Q(customer_name__icontains=text)
    )


def with_queue_columns(conversations: QuerySet[Conversation], agent: Any) -> QuerySet[Any]:
    """Adds the last customer message, and how many customer messages this agent has not read."""
    customer_messages = Message.objects.filter(
        conversation=OuterRef("pk"), role=Role.CUSTOMER, internal=False
    )
    last = customer_messages.order_by("-seq")
    read_to = ReadMark.objects.filter(agent=agent, conversation=OuterRef("pk")).values(
        "last_read_seq"
    )[:1]
    unread = (
        Message.objects.filter(
            conversation=OuterRef("pk"), role=Role.CUSTOMER, seq__gt=OuterRef("read_to_seq")
        )
        .order_by()
        .values("conversation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        conversations.select_related("assigned_agent")
        .annotate(
            last_customer_text=Subquery(last.values("text")[:1]),
            last_customer_at=Subquery(last.values("created_at")[:1]),
            read_to_seq=Coalesce(Subquery(read_to, output_field=IntegerField()), 0),
        )
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
    )


@dataclass
class QueueView:
    tab: Tab
    query: str
    page: Page[Any]
    counts: dict[str, int]

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def tabs(self) -> tuple[Tab, ...]:
        return TABS


def queue_for(agent: Any, *, tab_slug: str | None, query: str, page_number: Any) -> QueueView:
    tab = tab_for(tab_slug)
    conversations = with_queue_columns(search(_in_tab(agent, tab), query), agent)
    page = Paginator(conversations, page_size()).get_page(page_number)
    for row in page.object_list:
        row.reason_label = REASON_LABELS.get(row.handoff_reason, row.handoff_reason)
    counts = {
        "waiting": Conversation.objects.filter(status=Status.WAITING).count(),
        "mine": Conversation.objects.filter(status=Status.AGENT, assigned_agent=agent).count(),
    }
    return QueueView(tab=tab, query=query.strip(), page=page, counts=counts)


def waiting_count() -> int:
    return Conversation.objects.filter(status=Status.WAITING).count()


def mark_read(agent_id: int, conversation_id: int, seq: int) -> None:
    """Everything up to `seq` is read by this agent (marks only move forward)."""
    updated = ReadMark.objects.filter(
        agent_id=agent_id, conversation_id=conversation_id, last_read_seq__lt=seq
    ).update(last_read_seq=seq)
    if not updated:
        ReadMark.objects.get_or_create(
            agent_id=agent_id, conversation_id=conversation_id, defaults={"last_read_seq": seq}
        )
