"""Figures of a load run: percentiles, ratios to the bare relay, the table and the JSON line."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (0 < fraction <= 1), or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def latency_summary(values_ms: Sequence[float]) -> dict[str, float | int | None]:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "count": len(values_ms),
        "p50": rounded(percentile(values_ms, 0.50)),
        "p95": rounded(percentile(values_ms, 0.95)),
        "p99": rounded(percentile(values_ms, 0.99)),
        "max": rounded(max(values_ms)) if values_ms else None,
    }


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """ours / baseline; None when either is missing. Latencies under 1 ms count as 1 ms, so
    a relay adding next to nothing does not turn a small overhead into an infinite ratio."""
    if ours is None or baseline is None:
        return None
    return round(max(ours, 1.0) / max(baseline, 1.0), 2)


# Rows of the table: (label, path into the figures, unit).
TABLE_ROWS: list[tuple[str, tuple[str, ...], str]] = [
    ("conversations", ("conversations",), ""),
    ("answers", ("answers",), ""),
    ("handoffs", ("handoffs",), ""),
    ("errors", ("errors",), ""),
    ("added TTFT p50", ("added_ttft_ms", "p50"), "ms"),
    ("added TTFT p95", ("added_ttft_ms", "p95"), "ms"),
    ("added TTFT p99", ("added_ttft_ms", "p99"), "ms"),
    ("  first questions p50", ("added_ttft_first_question_ms", "p50"), "ms"),
    ("  later questions p50", ("added_ttft_later_questions_ms", "p50"), "ms"),
    ("first text p50", ("visible_ttft_ms", "p50"), "ms"),
    ("first delta p50", ("ttft_ms", "p50"), "ms"),
    ("ack p50", ("ack_ms", "p50"), "ms"),
    ("ack p95", ("ack_ms", "p95"), "ms"),
    ("answer p50", ("answer_ms", "p50"), "ms"),
    ("delta frames/s", ("delta_frames_per_s",), ""),
    ("frames/s", ("frames_per_s",), ""),
    ("answer chars/s", ("answer_chars_per_s",), ""),
    ("server CPU s/answer", ("server_cpu_s_per_answer",), "s"),
    ("server CPU busy", ("server_cpu_percent",), "%"),
    ("idle sockets", ("idle", "sockets"), ""),
    ("RSS per idle socket", ("idle", "kib_per_socket"), "KiB"),
    ("lost", ("lost",), ""),
    ("duplicated", ("duplicated",), ""),
    ("mismatched", ("mismatched",), ""),
    ("chaos drops", ("chaos_drops",), ""),
    ("reconnects", ("reconnects",), ""),
]


def dig(figures: Mapping[str, Any], path: Iterable[str]) -> Any:
    value: Any = figures
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _cell(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:.4f}" if unit == "s" else f"{value:,.1f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".strip()


def render_table(runs: Mapping[str, Mapping[str, Any]], ratios: Mapping[str, Any] | None) -> str:
    """One column per run (ladder, baseline), and ours/baseline when both ran."""
    names = list(runs)
    header = ["figure", *names] + (["ratio"] if ratios else [])
    rows = [header]
    for label, path, unit in TABLE_ROWS:
        cells = [_cell(dig(runs[name], path), unit) for name in names]
        if all(cell == "-" for cell in cells):
            continue
        row = [label, *cells]
        if ratios:
            value = dig(ratios, path)
            row.append("-" if value is None else f"{value:.2f}x")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def compare_runs(ours: Mapping[str, Any], baseline: Mapping[str, Any]) -> dict[str, Any]:
    """Our figures as ratios to the bare relay's (lower is better for every one of them)."""
    figures: dict[str, Any] = {}
    for _, path, _ in TABLE_ROWS:
        ours_value, base_value = dig(ours, path), dig(baseline, path)
        if not isinstance(ours_value, int | float) or not isinstance(base_value, int | float):
            continue
        if path[-1] in ("conversations", "answers", "sockets", "count"):
            continue
        if path[0] in (
            "errors",
            "handoffs",
            "lost",
            "duplicated",
            "mismatched",
            "reconnects",
            "chaos_drops",
        ):
            continue
        if path[0] in ("delta_frames_per_s", "frames_per_s", "answer_chars_per_s"):
            value = round(ours_value / base_value, 2) if base_value else None
        elif path[0].endswith("_ms"):
            value = ratio(ours_value, base_value)
        else:
            value = round(ours_value / base_value, 2) if base_value else None
        node = figures
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return figures
