"""Which conversations a figure counts: the period and filters of the dashboard, and the
drill-down behind every number (a figure name and its value -> the conversations)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from support.conversations.models import Message, Role

from .models import ConversationFacts, KnowledgeGap

RANGE_DAYS = {"today": 1, "7d": 7, "30d": 30, "90d": 90}
RANGE_LABELS = {
    "today": "Today",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "custom": "Custom",
}


def local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


@dataclass(frozen=True)
class Period:
    """Whole local days: from the first day's midnight up to (not including) the day after the
    last, in the viewer's time zone."""

    first_day: date
    last_day: date
    zone: tzinfo

    @property
    def start(self) -> datetime:
        return local_midnight(self.first_day, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last_day + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        """The same number of days just before this period."""
        return Period(
            self.first_day - timedelta(days=self.days),
            self.first_day - timedelta(days=1),
            self.zone,
        )

    def each_day(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range(self.days)]

    @property
    def label(self) -> str:
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"


def period_for(
    range_name: str, today: date, zone: tzinfo, start: date | None = None, end: date | None = None
) -> Period:
    if range_name == "custom":
        assert start is not None and end is not None
        return Period(start, end, zone)
    days = RANGE_DAYS[range_name]
    return Period(today - timedelta(days=days - 1), today, zone)


@dataclass(frozen=True)
class Filters:
    reason: str = ""
    tier: str = ""
    origin: str = ""

    def apply(self, facts: QuerySet[ConversationFacts]) -> QuerySet[ConversationFacts]:
        if self.reason:
            facts = facts.filter(Q(handoff_reason=self.reason) | Q(strong_reason=self.reason))
        if self.tier:
            facts = facts.filter(top_tier=self.tier)
        if self.origin:
            facts = facts.filter(origin=self.origin)
        return facts


def facts_in(period: Period, filters: Filters) -> QuerySet[ConversationFacts]:
    """The conversations started in the period that pass the filters."""
    return filters.apply(
        ConversationFacts.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    )


@dataclass(frozen=True)
class Scope:
    """The conversations in view (a period and filters), and the summary rows beside them."""

    period: Period
    filters: Filters

    def facts(self) -> QuerySet[ConversationFacts]:
        return facts_in(self.period, self.filters)

    def rows(self, model: Any) -> QuerySet[Any]:
        """Rows of a summary table that carries its conversation's start (created_at): read
        alone when nothing is filtered, joined to the facts only when something is."""
        rows = model.objects.filter(
            created_at__gte=self.period.start, created_at__lt=self.period.end
        )
        if self.filters != Filters():
            rows = rows.filter(facts__in=self.facts().values("pk"))
        return rows

    def previous(self) -> Scope:
        return Scope(self.period.previous(), self.filters)


def origins() -> list[str]:
    return list(
        ConversationFacts.objects.exclude(origin="")
        .order_by("origin")
        .values_list("origin", flat=True)
        .distinct()[:200]
    )


def _day(facts: QuerySet[ConversationFacts], value: str, zone: tzinfo) -> QuerySet[Any]:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return facts.none()
    return facts.filter(
        created_at__gte=local_midnight(day, zone),
        created_at__lt=local_midnight(day + timedelta(days=1), zone),
    )


def _answers_of_tier(tier: str) -> Exists:
    return Exists(
        Message.objects.filter(
            conversation_id=OuterRef("conversation_id"),
            role=Role.ASSISTANT,
            tier=tier,
            time_to_first_token_ms__isnull=False,
        )
    )


def _rated(facts: QuerySet[ConversationFacts], value: str) -> QuerySet[Any]:
    rated = facts.filter(rating_score__isnull=False)
    return rated.filter(rating_score=int(value)) if value.isdigit() else rated


def _target(value: str) -> int:
    """The target (ms) a drill-down was linked with; -1 (nothing meets it) for a bad value."""
    return int(value) if value.isdigit() and len(value) <= 12 else -1


Figure = Callable[[QuerySet[ConversationFacts], str, tzinfo], QuerySet[Any]]

# Every number on the dashboard links to one of these, with its value.
FIGURES: dict[str, tuple[str, Figure]] = {
    "conversations": ("All conversations", lambda f, v, z: f),
    "ai_resolved": ("Resolved by the AI", lambda f, v, z: f.filter(ai_resolved=True)),
    "handed_to_person": ("Handed to a person", lambda f, v, z: f.filter(handed_to_person=True)),
    "escalated_to_strong": (
        "Escalated to the strong model",
        lambda f, v, z: f.filter(escalated_to_strong=True),
    ),
    "agent_resolved": ("Resolved with a person", lambda f, v, z: f.filter(agent_resolved=True)),
    "reason_strong": (
        "Escalated to the strong model for this reason",
        lambda f, v, z: f.filter(escalated_to_strong=True, strong_reason=v),
    ),
    "reason_person": (
        "Handed to a person for this reason",
        lambda f, v, z: f.filter(handed_to_person=True, handoff_reason=v),
    ),
    "path": ("Tier path", lambda f, v, z: f.filter(path=v)),
    "day": ("Started that day", lambda f, v, z: _day(f, v, z)),
    "day_strong": (
        "Escalated to the strong model that day",
        lambda f, v, z: _day(f.filter(escalated_to_strong=True), v, z),
    ),
    "day_person": (
        "Handed to a person that day",
        lambda f, v, z: _day(f.filter(handed_to_person=True), v, z),
    ),
    "spend_fast": ("Used the fast model", lambda f, v, z: f.filter(fast_cost_usd__gt=0)),
    "spend_strong": ("Used the strong model", lambda f, v, z: f.filter(strong_cost_usd__gt=0)),
    "spend_draft": ("Had AI drafts for agents", lambda f, v, z: f.filter(draft_cost_usd__gt=0)),
    "cache_saving": ("Read the prompt cache", lambda f, v, z: f.filter(cache_read_tokens__gt=0)),
    "ttft": ("Had answers from this tier", lambda f, v, z: f.filter(_answers_of_tier(v))),
    "agent_response": (
        "A person answered after a handoff",
        lambda f, v, z: f.filter(first_agent_response_ms__isnull=False),
    ),
    "resolution_ai": (
        "Resolved by the AI",
        lambda f, v, z: f.filter(ai_resolved=True, resolution_ms__isnull=False),
    ),
    "resolution_person": (
        "Resolved with a person",
        lambda f, v, z: f.filter(agent_resolved=True, resolution_ms__isnull=False),
    ),
    "queue_wait": ("Waited in the queue", lambda f, v, z: f.filter(queue_wait_ms__isnull=False)),
    "target_met": (
        "A person's first reply came within the first-response target",
        lambda f, v, z: f.filter(handed_to_person=True, first_agent_response_ms__lte=_target(v)),
    ),
    "target_missed": (
        "Handed to a person; no first reply within the first-response target",
        lambda f, v, z: f.filter(handed_to_person=True).exclude(
            first_agent_response_ms__lte=_target(v)
        ),
    ),
    "rated_ai": ("AI-resolved and rated", lambda f, v, z: _rated(f.filter(ai_resolved=True), v)),
    "rated_agent": (
        "Resolved with a person and rated",
        lambda f, v, z: _rated(f.filter(agent_resolved=True), v),
    ),
    "gap": (
        "Asked a question the knowledge base did not cover",
        lambda f, v, z: f.filter(
            Exists(KnowledgeGap.objects.filter(facts_id=OuterRef("pk"), wording_key=v))
        ),
    ),
    "gaps": (
        "Asked a question the knowledge base did not cover",
        lambda f, v, z: f.filter(Exists(KnowledgeGap.objects.filter(facts_id=OuterRef("pk")))),
    ),
}
