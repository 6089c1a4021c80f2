"""Every figure of the dashboard, from the summary rows of the conversations in view (and, for
speed, the stored answers): plain functions that take querysets or rows and return data."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Least

from routing.reasons import HANDOFF_REASONS, REASON_LABELS
from support.conversations.models import Conversation, Status
from support.conversations.service_targets import target_ms

from .facts import PATH_LABELS, PATHS, ZERO
from .models import AnswerTiming, ConversationFacts, KnowledgeGap, ReplayTurn
from .queries import Period, Scope, local_midnight

TIERS = ("fast", "strong")
TIER_LABELS = {"fast": "Fast model", "strong": "Strong model", "human": "A person"}


def ratio(part: float | Decimal, whole: float | Decimal) -> float | None:
    return float(part) / float(whole) if whole else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile of values sorted ascending (None for no values)."""
    if not values:
        return None
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[rank - 1]


# -- overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: float | None
    previous: float | None
    kind: str  # "count" or "rate"
    figure: str

    @property
    def change(self) -> float | None:
        """Counts: the relative change; rates: the change in percentage points (as a fraction)."""
        if self.value is None or self.previous is None:
            return None
        if self.kind == "rate":
            return self.value - self.previous
        if not self.previous:
            return None
        return (self.value - self.previous) / self.previous


# Every count and sum the scalar figures read (overview, cost, satisfaction, the what-if's
# recorded side), taken in one pass over the summary rows in view.
AI = Q(ai_resolved=True)
AGENT = Q(agent_resolved=True)
TOTALS = {
    "n": Count("pk"),
    "ai_n": Count("pk", filter=AI),
    "agent_n": Count("pk", filter=AGENT),
    "person_n": Count("pk", filter=Q(handed_to_person=True)),
    "strong_n": Count("pk", filter=Q(escalated_to_strong=True)),
    "fixed_strong_n": Count("pk", filter=Q(fixed_strong=True)),
    "fixed_person_n": Count("pk", filter=Q(fixed_person=True)),
    "fast_usd": Sum("fast_cost_usd"),
    "strong_usd": Sum("strong_cost_usd"),
    "draft_usd": Sum("draft_cost_usd"),
    "all_strong_usd": Sum("all_strong_cost_usd"),
    "cache_usd": Sum("cache_saving_usd"),
    "ai_fast_usd": Sum("fast_cost_usd", filter=AI),
    "ai_strong_usd": Sum("strong_cost_usd", filter=AI),
    "ai_rated": Count("rating_score", filter=AI),
    "ai_average": Avg("rating_score", filter=AI),
    "agent_rated": Count("rating_score", filter=AGENT),
    "agent_average": Avg("rating_score", filter=AGENT),
    **{
        f"{group}_score_{score}": Count("pk", filter=where & Q(rating_score=score))
        for group, where in (("ai", AI), ("agent", AGENT))
        for score in range(1, 6)
    },
}
OVERVIEW_TOTALS = ("n", "ai_n", "person_n", "strong_n")
Totals = dict[str, Any]


def totals(facts: QuerySet[ConversationFacts], names: Iterable[str] = TOTALS) -> Totals:
    """The named entries of TOTALS over these summary rows, in one query."""
    return facts.order_by().aggregate(**{name: TOTALS[name] for name in names})


def overview_counts(
    facts: QuerySet[ConversationFacts], sums: Totals | None = None
) -> dict[str, int]:
    if sums is None:
        sums = totals(facts, OVERVIEW_TOTALS)
    return {
        "conversations": sums["n"],
        "ai_resolved": sums["ai_n"],
        "handed_to_person": sums["person_n"],
        "escalated_to_strong": sums["strong_n"],
    }


def headlines(current: dict[str, int], previous: dict[str, int]) -> list[Headline]:
    def rate(counts: dict[str, int], key: str) -> float | None:
        return ratio(counts[key], counts["conversations"])

    return [
        Headline(
            "conversations",
            "Conversations",
            current["conversations"],
            previous["conversations"],
            "count",
            "conversations",
        ),
        Headline(
            "ai_resolved",
            "Resolved by the AI",
            current["ai_resolved"],
            previous["ai_resolved"],
            "count",
            "ai_resolved",
        ),
        Headline(
            "handed_to_person",
            "Handed to a person",
            current["handed_to_person"],
            previous["handed_to_person"],
            "count",
            "handed_to_person",
        ),
        Headline(
            "escalated_to_strong",
            "Escalated to the strong model",
            current["escalated_to_strong"],
            previous["escalated_to_strong"],
            "count",
            "escalated_to_strong",
        ),
        Headline(
            "automation_rate",
            "Automation rate",
            rate(current, "ai_resolved"),
            rate(previous, "ai_resolved"),
            "rate",
            "ai_resolved",
        ),
        Headline(
            "handoff_rate",
            "Handoff rate",
            rate(current, "handed_to_person"),
            rate(previous, "handed_to_person"),
            "rate",
            "handed_to_person",
        ),
    ]


# -- escalations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    label: str
    to_strong: int
    to_person: int


@dataclass(frozen=True)
class Escalations:
    """Conversations counted by tier path and by the reasons of their escalations, from one
    grouped query: the by-reason and by-path tables both read it."""

    rows: list[tuple[str, bool, str, bool, str, int, Decimal]]


def escalations(facts: QuerySet[ConversationFacts]) -> Escalations:
    grouped = (
        facts.values_list(
            "path", "escalated_to_strong", "strong_reason", "handed_to_person", "handoff_reason"
        )
        .annotate(n=Count("pk"), cost=Sum("fast_cost_usd") + Sum("strong_cost_usd"))
        .order_by()
    )
    return Escalations([(*row[:-1], row[-1] or ZERO) for row in grouped])


def reasons_table(
    facts: QuerySet[ConversationFacts], grouped: Escalations | None = None
) -> list[ReasonRow]:
    """Conversations escalated to the strong model, and handed to a person, by first reason."""
    grouped = grouped or escalations(facts)
    strong: dict[str, int] = defaultdict(int)
    person: dict[str, int] = defaultdict(int)
    for _path, to_strong, strong_reason, to_person, handoff_reason, n, _cost in grouped.rows:
        if to_strong:
            strong[strong_reason] += n
        if to_person:
            person[handoff_reason] += n
    known = [r for r in HANDOFF_REASONS if strong.get(r) or person.get(r)]
    others = sorted((set(strong) | set(person)) - set(HANDOFF_REASONS))
    return [
        ReasonRow(
            reason,
            REASON_LABELS.get(reason) or (reason.replace("_", " ") if reason else "Not recorded"),
            strong.get(reason, 0),
            person.get(reason, 0),
        )
        for reason in known + others
    ]


@dataclass(frozen=True)
class PathRow:
    path: str
    label: str
    conversations: int
    share: float | None
    model_cost_usd: Decimal


def paths_table(
    facts: QuerySet[ConversationFacts], grouped: Escalations | None = None
) -> list[PathRow]:
    grouped = grouped or escalations(facts)
    counts: dict[str, int] = defaultdict(int)
    costs: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for path, *_reasons, n, model_cost_usd in grouped.rows:
        counts[path] += n
        costs[path] += model_cost_usd
    total = sum(counts.values())
    return [
        PathRow(path, PATH_LABELS[path], counts[path], ratio(counts[path], total), costs[path])
        for path in PATHS
    ]


@dataclass(frozen=True)
class DayRow:
    day: date
    conversations: int
    to_strong: int
    to_person: int


class QuarterHoursSince(Func):
    """Whole quarter hours from `start` to the row's created_at, computed by the database
    itself (no per-row Python function, as TruncDate with a time zone is on SQLite)."""

    output_field = IntegerField()

    def __init__(self, start: datetime) -> None:
        super().__init__(F("created_at"))
        self.start = start

    def as_sqlite(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        start = self.start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return f"CAST((julianday({column}) - julianday(%s)) * 96 AS INTEGER)", [*params, start]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"FLOOR(EXTRACT(EPOCH FROM ({column} - %s)) / 900)::integer", [*params, self.start]

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        raise NotImplementedError(f"no quarter-hour buckets for {connection.vendor}")


def daily(facts: QuerySet[ConversationFacts], period: Period) -> list[DayRow]:
    """Counts per local day: grouped by quarter hour in the database, then each quarter hour
    put on its day in the viewer's zone (right across daylight-saving changes and for zones a
    half or quarter hour off UTC: every local midnight falls on a quarter hour of the period)."""
    start = period.start
    days = period.each_day()
    # The quarter hour each local day starts at, counted from the period's start, and the end
    # (in UTC: a difference within one zone would ignore a daylight-saving change).
    start_utc = start.astimezone(UTC)
    bounds = [
        int((midnight.astimezone(UTC) - start_utc).total_seconds()) // 900
        for midnight in [local_midnight(day, period.zone) for day in days] + [period.end]
    ]
    counted = [[0, 0, 0] for _ in days]
    rows = (
        facts.annotate(quarter=QuarterHoursSince(start))
        .values("quarter")
        .annotate(
            n=Count("pk"),
            strong=Count("pk", filter=Q(escalated_to_strong=True)),
            person=Count("pk", filter=Q(handed_to_person=True)),
        )
        .order_by()
        .values_list("quarter", "n", "strong", "person")
    )
    for quarter, n, strong, person in rows:
        index = bisect_right(bounds, quarter) - 1
        if 0 <= index < len(days):
            totals = counted[index]
            totals[0] += n
            totals[1] += strong
            totals[2] += person
    return [DayRow(day, *totals) for day, totals in zip(days, counted, strict=True)]


# -- cost -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    fast_usd: Decimal
    strong_usd: Decimal
    draft_usd: Decimal
    all_strong_usd: Decimal
    cache_saving_usd: Decimal
    conversations: int
    ai_resolved: int
    ai_resolved_usd: Decimal

    @property
    def model_usd(self) -> Decimal:
        """What the answering tiers cost (agents' AI drafts are counted apart)."""
        return self.fast_usd + self.strong_usd

    @property
    def total_usd(self) -> Decimal:
        return self.model_usd + self.draft_usd

    @property
    def per_conversation_usd(self) -> Decimal | None:
        return self.total_usd / self.conversations if self.conversations else None

    @property
    def per_ai_resolution_usd(self) -> Decimal | None:
        return self.ai_resolved_usd / self.ai_resolved if self.ai_resolved else None

    @property
    def saving_usd(self) -> Decimal:
        return self.all_strong_usd - self.model_usd

    @property
    def saving_share(self) -> float | None:
        return ratio(self.saving_usd, self.all_strong_usd)


COST_TOTALS = (
    "n",
    "ai_n",
    "fast_usd",
    "strong_usd",
    "draft_usd",
    "all_strong_usd",
    "cache_usd",
    "ai_fast_usd",
    "ai_strong_usd",
)


def cost(facts: QuerySet[ConversationFacts], sums: Totals | None = None) -> Cost:
    if sums is None:
        sums = totals(facts, COST_TOTALS)
    return Cost(
        fast_usd=sums["fast_usd"] or ZERO,
        strong_usd=sums["strong_usd"] or ZERO,
        draft_usd=sums["draft_usd"] or ZERO,
        all_strong_usd=sums["all_strong_usd"] or ZERO,
        cache_saving_usd=sums["cache_usd"] or ZERO,
        conversations=sums["n"],
        ai_resolved=sums["ai_n"],
        ai_resolved_usd=(sums["ai_fast_usd"] or ZERO) + (sums["ai_strong_usd"] or ZERO),
    )


# -- speed ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    key: str
    label: str
    count: int
    p50_ms: float | None
    p95_ms: float | None
    figure: str
    value: str = ""
    provider_p50_ms: float | None = None


def spread(key: str, label: str, values: Iterable[float], figure: str, value: str = "") -> Spread:
    ordered = sorted(values)
    return Spread(
        key, label, len(ordered), percentile(ordered, 50), percentile(ordered, 95), figure, value
    )


def percentile_of_counts(counts: Sequence[tuple[float, int]], p: float) -> float | None:
    """Nearest-rank percentile from (value, how many) pairs sorted by value."""
    total = sum(n for _, n in counts)
    if not total:
        return None
    rank = max(1, math.ceil(p / 100 * total))
    seen = 0
    for value, n in counts:
        seen += n
        if seen >= rank:
            return value
    return counts[-1][0]


def speed(scope: Scope) -> list[Spread]:
    """Time to first token by tier (per answer, as the customer saw it, and the provider's own),
    a person's first reply after a handoff, time to resolution, and waiting in the queue."""
    rows = []
    timings = scope.rows(AnswerTiming).order_by()
    # Grouped by tier and value in the database: exact percentiles from a few thousand counts.
    shown: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for tier, ms, n in (
        timings.values_list("tier", "time_to_first_token_ms")
        .annotate(n=Count("pk"))
        .order_by("tier", "time_to_first_token_ms")
    ):
        shown[tier].append((ms, n))
    provider: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for tier, ms, n in (
        timings.filter(provider_first_token_ms__isnull=False)
        .values_list("tier", "provider_first_token_ms")
        .annotate(n=Count("pk"))
        .order_by("tier", "provider_first_token_ms")
    ):
        provider[tier].append((ms, n))
    for tier in TIERS:
        counts = shown[tier]
        rows.append(
            Spread(
                f"ttft_{tier}",
                f"Time to first token, {TIER_LABELS[tier].lower()}",
                sum(n for _, n in counts),
                percentile_of_counts(counts, 50),
                percentile_of_counts(counts, 95),
                "ttft",
                tier,
                percentile_of_counts(provider[tier], 50),
            )
        )
    # Waits and resolutions last seconds to days: grouped by whole second in the database,
    # so the percentiles read a few thousand counts instead of every conversation.
    facts = scope.facts().order_by()
    for key, column, label, where in (
        (
            "agent_response",
            "first_agent_response_ms",
            "A person's first reply after the handoff",
            Q(),
        ),
        (
            "resolution_ai",
            "resolution_ms",
            "Time to resolution, resolved by the AI",
            Q(ai_resolved=True),
        ),
        (
            "resolution_person",
            "resolution_ms",
            "Time to resolution, resolved with a person",
            Q(agent_resolved=True),
        ),
        ("queue_wait", "queue_wait_ms", "Waiting in the queue for a person", Q()),
    ):
        counts = [
            (seconds * 1000, n)
            for seconds, n in facts.filter(where, **{f"{column}__isnull": False})
            .annotate(seconds=F(column) / 1000)
            .values_list("seconds")
            .annotate(n=Count("pk"))
            .order_by("seconds")
        ]
        rows.append(
            Spread(
                key,
                label,
                sum(n for _, n in counts),
                percentile_of_counts(counts, 50),
                percentile_of_counts(counts, 95),
                key,
            )
        )
    return rows


@dataclass(frozen=True)
class ServiceTarget:
    """The first-response target against what happened: of the conversations handed to people,
    how many had a person's first reply within it (one with no reply yet counts as not met),
    and the median time to that first reply."""

    target_ms: int | None
    handed_off: int
    met: int
    median_first_response_ms: float | None

    @property
    def met_share(self) -> float | None:
        return ratio(self.met, self.handed_off)

    @property
    def missed(self) -> int:
        return self.handed_off - self.met


def target_totals() -> dict[str, Any]:
    """The counts the service target reads, to take in the same pass as TOTALS (the target is
    a setting, so they are built when asked)."""
    limit_ms = target_ms()
    met = Q(handed_to_person=True, first_agent_response_ms__lte=limit_ms if limit_ms else -1)
    return {"person_n": TOTALS["person_n"], "target_met_n": Count("pk", filter=met)}


def service_target(
    facts: QuerySet[ConversationFacts], speed_rows: list[Spread], sums: Totals | None = None
) -> ServiceTarget:
    if sums is None:
        sums = facts.order_by().aggregate(**target_totals())
    limit_ms = target_ms()
    median = next((s.p50_ms for s in speed_rows if s.key == "agent_response"), None)
    return ServiceTarget(
        target_ms=limit_ms,
        handed_off=sums["person_n"],
        met=sums["target_met_n"] if limit_ms else 0,
        median_first_response_ms=median,
    )


def waiting_now() -> int:
    return Conversation.objects.filter(status=Status.WAITING).count()


# -- satisfaction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    key: str
    label: str
    resolved: int
    rated: int
    average: float | None
    by_score: dict[int, int] = field(default_factory=dict)
    figure: str = ""


SATISFACTION_TOTALS = tuple(
    name for name in TOTALS if name.startswith(("ai_", "agent_")) and not name.endswith("_usd")
)


def satisfaction(
    facts: QuerySet[ConversationFacts], sums: Totals | None = None
) -> list[Satisfaction]:
    if sums is None:
        sums = totals(facts, SATISFACTION_TOTALS)
    return [
        Satisfaction(
            group,
            label,
            sums[f"{group}_n"],
            sums[f"{group}_rated"],
            sums[f"{group}_average"],
            {score: sums[f"{group}_score_{score}"] for score in range(1, 6)},
            figure,
        )
        for group, label, figure in (
            ("ai", "Resolved by the AI", "rated_ai"),
            ("agent", "Resolved with a person", "rated_agent"),
        )
    ]


# -- knowledge gaps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GapGroup:
    wording_key: str
    example: str
    questions: int
    conversations: int
    missing_knowledge: int
    best_score: float | None
    last_asked_at: Any


def knowledge_gaps(facts: QuerySet[ConversationFacts]) -> QuerySet[Any]:
    """Questions the knowledge base did not cover, grouped by wording, most asked first."""
    return (
        KnowledgeGap.objects.filter(facts__in=facts.values("pk"))
        .values("wording_key")
        .annotate(
            questions=Count("pk"),
            conversations=Count("facts", distinct=True),
            missing=Count("pk", filter=Q(missing_knowledge=True)),
            example=Min("question"),
            best_score=Max("top_score"),
            last_asked_at=Max("asked_at"),
        )
        .order_by("-questions", "wording_key")
    )


def gap_group(row: dict[str, Any]) -> GapGroup:
    return GapGroup(
        row["wording_key"],
        row["example"],
        row["questions"],
        row["conversations"],
        row["missing"],
        row["best_score"],
        row["last_asked_at"],
    )


# -- threshold what-if ------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnOutcome:
    uses_strong: bool
    to_person: bool
    cost_usd: Decimal


def replay_turn(turn: dict[str, Any], threshold: float) -> TurnOutcome:
    """One recorded turn under another confidence threshold. The fast model's recorded
    confidence decides whether the strong model is asked; the strong model's, whether a person
    is. A strong answer that was never recorded is priced from the fast call's tokens and
    assumed to stand (nobody knows how sure it would have been)."""
    needed = min(1.0, threshold + turn["margin"])
    recorded_usd = turn["fast_cost_usd"] + turn["strong_cost_usd"]
    outcome = turn["outcome"]

    def strong_step() -> TurnOutcome:
        if turn["strong_decisive"]:
            sure = turn["strong_answered"] and turn["strong_confidence"] >= needed
            return TurnOutcome(True, not sure, recorded_usd)
        return TurnOutcome(True, outcome == "human", recorded_usd)

    if turn["fast_confidence"] is None:
        return strong_step()
    if turn["fast_answered"] and turn["fast_confidence"] >= needed:
        return TurnOutcome(False, False, turn["fast_cost_usd"])
    if turn["strong_confidence"] is not None:
        return strong_step()
    if outcome == "fast":
        return TurnOutcome(True, False, turn["fast_cost_usd"] + turn["strong_estimate_usd"])
    return TurnOutcome(True, outcome == "human", recorded_usd)


def _replayed_turns(scope: Scope, threshold: float) -> QuerySet[Any]:
    """The replay of replay_turn() in SQL, one row per recorded turn: whether it would use the
    strong model, reach a person, and what it would change in cost (so 50,000 conversations
    replay in one pass of the database, not a loop in Python)."""
    needed = Least(Value(1.0), Value(threshold) + F("margin"), output_field=FloatField())
    fast_sure = Q(fast_confidence__isnull=False, fast_answered=True, fast_confidence__gte=needed)
    strong_sure = Q(strong_answered=True, strong_confidence__gte=needed)
    recorded_person = Case(When(outcome="human", then=1), default=0)
    strong_step_person = Case(
        When(Q(strong_decisive=True) & strong_sure, then=0),
        When(strong_decisive=True, then=1),
        default=recorded_person,
    )
    money = DecimalField(max_digits=16, decimal_places=8)
    return (
        scope.rows(ReplayTurn)
        .order_by()
        .annotate(
            uses_strong=Case(When(fast_sure, then=0), default=1),
            to_person=Case(
                When(fast_sure, then=0),
                When(
                    Q(fast_confidence__isnull=True) | Q(strong_confidence__isnull=False),
                    then=strong_step_person,
                ),
                default=recorded_person,
            ),
            cost_change_usd=Case(
                When(fast_confidence__isnull=True, then=Value(ZERO)),
                When(fast_sure, then=-F("strong_cost_usd")),
                When(strong_confidence__isnull=False, then=Value(ZERO)),
                When(outcome="fast", then=F("strong_estimate_usd")),
                default=Value(ZERO),
                output_field=money,
            ),
        )
    )


@dataclass(frozen=True)
class WhatIf:
    threshold: float
    conversations: int
    to_strong: int
    to_person: int
    model_usd: Decimal
    actual_to_strong: int
    actual_to_person: int
    actual_model_usd: Decimal
    replayed_turns: int

    @property
    def model_change_usd(self) -> Decimal:
        return self.model_usd - self.actual_model_usd


WHAT_IF_TOTALS = (
    "n",
    "strong_n",
    "person_n",
    "fixed_strong_n",
    "fixed_person_n",
    "fast_usd",
    "strong_usd",
)


def what_if(scope: Scope, threshold: float, sums: Totals | None = None) -> WhatIf:
    """How many conversations would have gone to the strong model or a person, and what the
    models would have cost, had the confidence threshold been `threshold`: replayed from the
    confidences recorded in the routing.decision events (summarised as ReplayTurn rows).
    Conversations escalated whatever the threshold (rules, errors, thin knowledge before any
    call) count as recorded."""
    if sums is None:
        sums = totals(scope.facts(), WHAT_IF_TOTALS)
    actual_usd = (sums["fast_usd"] or ZERO) + (sums["strong_usd"] or ZERO)
    turns = _replayed_turns(scope, threshold).aggregate(
        n=Count("pk"),
        change=Sum("cost_change_usd"),
        strong=Count("facts_id", distinct=True, filter=Q(uses_strong=1, fixed_strong=False)),
        person=Count("facts_id", distinct=True, filter=Q(to_person=1, fixed_person=False)),
    )
    return WhatIf(
        threshold=threshold,
        conversations=sums["n"],
        to_strong=sums["fixed_strong_n"] + turns["strong"],
        to_person=sums["fixed_person_n"] + turns["person"],
        model_usd=actual_usd + (turns["change"] or ZERO),
        actual_to_strong=sums["strong_n"],
        actual_to_person=sums["person_n"],
        actual_model_usd=actual_usd,
        replayed_turns=turns["n"],
    )


def what_if_conversations(scope: Scope, threshold: float, to: str) -> QuerySet[ConversationFacts]:
    """The conversations behind a what-if count: to="strong" or to="person"."""
    facts = scope.facts()
    turns = _replayed_turns(scope, threshold)
    if to == "strong":
        replayed = turns.filter(uses_strong=1).values("facts_id")
        return facts.filter(Q(fixed_strong=True) | Q(pk__in=replayed))
    replayed = turns.filter(to_person=1).values("facts_id")
    return facts.filter(Q(fixed_person=True) | Q(pk__in=replayed))


# -- the whole dashboard ----------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    previous: Period
    headlines: list[Headline]
    reasons: list[ReasonRow]
    paths: list[PathRow]
    days: list[DayRow]
    cost: Cost
    speed: list[Spread]
    service_target: ServiceTarget
    waiting_now: int
    satisfaction: list[Satisfaction]
    gaps: list[GapGroup]
    gap_groups: int
    what_if: WhatIf


def dashboard(scope: Scope, threshold: float, gap_rows: int = 15) -> Dashboard:
    """Every figure, in as few passes over the summary rows as they allow: one for all the
    counts and sums, one grouped by path and reasons, one by quarter hour, and the speed,
    knowledge-gap and what-if tables."""
    facts = scope.facts()
    sums = facts.order_by().aggregate(**(TOTALS | target_totals()))
    grouped = escalations(facts)
    gaps = list(knowledge_gaps(facts))
    speed_rows = speed(scope)
    return Dashboard(
        period=scope.period,
        previous=scope.period.previous(),
        headlines=headlines(
            overview_counts(facts, sums), overview_counts(scope.previous().facts())
        ),
        reasons=reasons_table(facts, grouped),
        paths=paths_table(facts, grouped),
        days=daily(facts, scope.period),
        cost=cost(facts, sums),
        speed=speed_rows,
        service_target=service_target(facts, speed_rows, sums),
        waiting_now=waiting_now(),
        satisfaction=satisfaction(facts, sums),
        gaps=[gap_group(row) for row in gaps[:gap_rows]],
        gap_groups=len(gaps),
        what_if=what_if(scope, threshold, sums),
    )
