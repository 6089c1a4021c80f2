"""The queue an agent works from: tabs, search, oldest first, last message and unread count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from routing.reasons import REASON_LABELS
from support.conversations.models import Conversation, Message, Role, Status
from support.conversations.service_targets import (
    clock,
    first_response_target,
    with_first_reply_pending,
)

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


SORTS = {"oldest": "Longest waiting first", "newest": "Newest first"}


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters and order, kept in the URL so a reload or a shared link keeps them."""

    reason: str = ""
    language: str = ""
    site: str = ""
    assignee: str = ""  # an agent's id, "none" for unassigned, "" for anyone
    sort: str = "oldest"

    @classmethod
    def from_query(cls, params: Any) -> QueueFilters:
        """Values outside what the queue offers are ignored, never an error page."""

        def pick(name: str, limit: int = 200) -> str:
            value = params.get(name, "")
            return value.strip()[:limit] if isinstance(value, str) else ""

        reason = pick("reason")
        assignee = pick("assignee")
        sort = pick("sort")
        return cls(
            reason=reason if reason in REASON_LABELS else "",
            language=pick("language", 8),
            site=pick("site"),
            assignee=assignee if assignee == "none" or assignee.isdigit() else "",
            sort=sort if sort in SORTS else "oldest",
        )

    def apply(self, conversations: QuerySet[Conversation], tab: Tab) -> QuerySet[Conversation]:
        if self.reason:
            conversations = conversations.filter(handoff_reason=self.reason)
        if self.language:
            conversations = conversations.filter(language__iexact=self.language)
        if self.site:
            conversations = conversations.filter(origin=self.site)
        if self.assignee == "none":
            conversations = conversations.filter(assigned_agent__isnull=True)
        elif self.assignee:
            conversations = conversations.filter(assigned_agent_id=int(self.assignee))
        if self.sort == "newest" and tab.slug != "resolved":
            conversations = conversations.order_by(
                F("waiting_since").desc(nulls_last=True), "-created_at", "-pk"
            )
        return conversations

    @property
    def active(self) -> bool:
        return bool(self.reason or self.language or self.site or self.assignee)


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """What the filter menus offer: reasons, and the languages and sites seen in open work."""
    recent = Conversation.objects.exclude(status=Status.AI)
    languages = sorted(
        {lang for lang in recent.values_list("language", flat=True).distinct() if lang}
    )
    sites = sorted({site for site in recent.values_list("origin", flat=True).distinct() if site})
    return {
        "reasons": sorted(REASON_LABELS.items(), key=lambda item: item[1]),
        "languages": [(lang, lang) for lang in languages],
        "sites": [(site, site) for site in sites],
        "sorts": list(SORTS.items()),
    }


@dataclass
class QueueView:
    tab: Tab
    query: str
    page: Page[Any]
    counts: dict[str, int]
    filters: QueueFilters

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def tabs(self) -> tuple[Tab, ...]:
        return TABS

    @property
    def first_response_target_minutes(self) -> int | float | None:
        target = first_response_target()
        if target is None:
            return None
        minutes = target.total_seconds() / 60
        return int(minutes) if minutes.is_integer() else round(minutes, 1)


def queue_for(
    agent: Any,
    *,
    tab_slug: str | None,
    query: str,
    page_number: Any,
    filters: QueueFilters | None = None,
) -> QueueView:
    tab = tab_for(tab_slug)
    filters = filters or QueueFilters()
    conversations = with_first_reply_pending(
        with_queue_columns(search(filters.apply(_in_tab(agent, tab), tab), query), agent)
    )
    page = Paginator(conversations, page_size()).get_page(page_number)
    now = timezone.now()
    for row in page.object_list:
        row.reason_label = REASON_LABELS.get(row.handoff_reason, row.handoff_reason)
        # Near or past the first-response target: flagged in words, not colour alone.
        row.first_response = clock(row.waiting_since, now) if row.first_reply_pending else None
    counts = {
        "waiting": Conversation.objects.filter(status=Status.WAITING).count(),
        "mine": Conversation.objects.filter(status=Status.AGENT, assigned_agent=agent).count(),
    }
    return QueueView(tab=tab, query=query.strip(), page=page, counts=counts, filters=filters)


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
