"""The dashboard's tables as CSV: one function per table, each giving a header and rows."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from routing.reasons import REASON_LABELS

from . import metrics
from .facts import PATH_LABELS
from .models import ConversationFacts

EIGHT_PLACES = Decimal("0.00000001")
Table = tuple[list[str], Iterable[list[Any]]]


def _usd(value: Any) -> str:
    """USD to the hundred-millionth, as the price table computes it, whatever the database's
    own decimal arithmetic printed."""
    return "" if value is None else f"{Decimal(str(value)).quantize(EIGHT_PLACES):f}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def overview(board: metrics.Dashboard) -> Table:
    header = ["figure", "value", "previous_period", "change"]
    rows = [
        [
            h.key,
            _share(h.value) if h.kind == "rate" else h.value,
            _share(h.previous) if h.kind == "rate" else h.previous,
            _share(h.change),
        ]
        for h in board.headlines
    ]
    return header, rows


def reasons(board: metrics.Dashboard) -> Table:
    return ["reason", "label", "to_strong_model", "to_person"], (
        [r.reason, r.label, r.to_strong, r.to_person] for r in board.reasons
    )


def paths(board: metrics.Dashboard) -> Table:
    return ["path", "label", "conversations", "share", "model_cost_usd"], (
        [p.path, p.label, p.conversations, _share(p.share), _usd(p.model_cost_usd)]
        for p in board.paths
    )


def daily(board: metrics.Dashboard) -> Table:
    return ["day", "conversations", "to_strong_model", "to_person"], (
        [d.day.isoformat(), d.conversations, d.to_strong, d.to_person] for d in board.days
    )


def cost(board: metrics.Dashboard) -> Table:
    c = board.cost
    rows = [
        ["fast_model_usd", _usd(c.fast_usd)],
        ["strong_model_usd", _usd(c.strong_usd)],
        ["agent_drafts_usd", _usd(c.draft_usd)],
        ["total_usd", _usd(c.total_usd)],
        ["per_conversation_usd", _usd(c.per_conversation_usd)],
        ["per_ai_resolution_usd", _usd(c.per_ai_resolution_usd)],
        ["all_strong_model_usd", _usd(c.all_strong_usd)],
        ["saving_usd", _usd(c.saving_usd)],
        ["saving_share", _share(c.saving_share)],
        ["prompt_cache_saving_usd", _usd(c.cache_saving_usd)],
    ]
    return ["figure", "value"], rows


def speed(board: metrics.Dashboard) -> Table:
    return ["figure", "count", "p50_ms", "p95_ms"], (
        [s.key, s.count, s.p50_ms, s.p95_ms] for s in board.speed
    )


def satisfaction(board: metrics.Dashboard) -> Table:
    header = ["group", "resolved", "rated", "average", *(f"score_{n}" for n in range(1, 6))]
    return header, (
        [
            s.key,
            s.resolved,
            s.rated,
            "" if s.average is None else f"{s.average:.3f}",
            *(s.by_score.get(n, 0) for n in range(1, 6)),
        ]
        for s in board.satisfaction
    )


def what_if(board: metrics.Dashboard) -> Table:
    w = board.what_if
    rows: list[list[Any]] = [
        ["threshold", w.threshold, ""],
        ["conversations", w.conversations, w.conversations],
        ["to_strong_model", w.to_strong, w.actual_to_strong],
        ["to_person", w.to_person, w.actual_to_person],
        ["model_cost_usd", _usd(w.model_usd), _usd(w.actual_model_usd)],
    ]
    return ["figure", "replayed", "recorded"], rows


def gaps(facts: QuerySet[ConversationFacts]) -> Table:
    header = [
        "wording",
        "example_question",
        "questions",
        "conversations",
        "missing_knowledge",
        "best_score",
        "last_asked_at",
    ]
    return header, (
        [
            g["wording_key"],
            g["example"],
            g["questions"],
            g["conversations"],
            g["missing"],
            g["best_score"],
            g["last_asked_at"].isoformat(),
        ]
        for g in metrics.knowledge_gaps(facts).iterator()
    )


def conversations(facts: QuerySet[ConversationFacts]) -> Table:
    header = [
        "public_id",
        "started_at",
        "path",
        "reason",
        "ai_resolved",
        "handed_to_person",
        "model_cost_usd",
        "all_strong_model_usd",
        "rating",
    ]
    return header, (
        [
            f.public_id,
            f.created_at.isoformat(),
            PATH_LABELS.get(f.path, f.path),
            REASON_LABELS.get(f.reason, f.reason),
            f.ai_resolved,
            f.handed_to_person,
            _usd(f.fast_cost_usd + f.strong_cost_usd),
            _usd(f.all_strong_cost_usd),
            "" if f.rating_score is None else f.rating_score,
        ]
        for f in facts.order_by("-created_at").iterator(chunk_size=2000)
    )


DASHBOARD_TABLES = {
    "overview": overview,
    "reasons": reasons,
    "paths": paths,
    "daily": daily,
    "cost": cost,
    "speed": speed,
    "satisfaction": satisfaction,
    "what-if": what_if,
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number alone is a number to a spreadsheet, not a formula: it stays as it is, so a
# negative change reads as -0.0555 and not as the text '-0.0555.
PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def safe_cell(value: Any) -> Any:
    """Customer words open in spreadsheets: a leading formula character is quoted away."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV text, a line at a time (so long exports stream)."""
    writer = csv.writer(_Echo())
    header, rows = table
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])
