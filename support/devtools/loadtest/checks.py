"""The benchmark's checks: plain functions over a run's figures, so they are tested without a run.

Required checks decide the command's exit status; a required check that is missed prints `miss`
on its line. Goals (issue 7's figures for other loads) are reported but decide nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .stats import dig

# Issue 16's required figures, each for the load it is stated for (conversations, messages).
ACK_P50_LIMIT_MS = 50.0
HEAVY_LOAD = (200, 2)
HEAVY_ADDED_P50_VS_RELAY = 1.0
LIGHT_LOAD = (50, 2)
LIGHT_ADDED_P50_VS_RELAY = 1.5

# Issue 7's goals: reported for every run, required by none.
GOAL_RELAY_RATIO = 1.2
GOAL_ADDED_P50_MS = 50.0
GOAL_ADDED_P95_MS = 150.0
GOAL_KIB_PER_IDLE_SOCKET = 48.0


@dataclass(frozen=True)
class Check:
    name: str
    value: Any
    limit: Any
    met: bool
    required: bool

    @property
    def mark(self) -> str:
        if self.met:
            return "ok"
        return "miss" if self.required else "over"

    def line(self) -> str:
        kind = "" if self.required else ", a goal, not required"
        return f"{self.mark:<4} {self.name}: {_shown(self.value)} (limit {self.limit}{kind})"

    def as_dict(self) -> dict[str, Any]:
        figures = asdict(self)
        del figures["name"]
        return figures


def _shown(value: Any) -> str:
    return "-" if value is None else str(value)


def _at_most(value: Any, limit: float) -> bool:
    return isinstance(value, int | float) and value <= limit


def relay_ratio(ours: Any, relay: Any) -> float | None:
    """ours / relay for a latency; both under 1 ms count as 1 ms, so a relay adding next to
    nothing does not make any overhead an infinite ratio."""
    if not isinstance(ours, int | float) or not isinstance(relay, int | float):
        return None
    return round(max(ours, 1.0) / max(relay, 1.0), 2)


def evaluate(
    *,
    conversations: int,
    messages: int,
    ours: Mapping[str, Any],
    relay: Mapping[str, Any] | None = None,
    counts_history: bool = True,
) -> list[Check]:
    """Every check of one run: `ours` and `relay` are the runs' figures (as the JSON line has
    them); `counts_history` is False when the server's history could not be read back, so lost
    and duplicated messages were not counted."""
    checks: list[Check] = []
    if counts_history:
        for name in ("lost", "duplicated", "mismatched"):
            value = ours.get(name)
            checks.append(Check(name, value, 0, value == 0, required=True))
    errors = ours.get("errors")
    checks.append(Check("errors", errors, 0, errors == 0, required=True))
    checks.append(
        Check(
            "every_question_answered",
            (ours.get("answers") or 0) + (ours.get("handoffs") or 0),
            conversations * messages,
            ours.get("unanswered", 1) == 0,
            required=True,
        )
    )
    load = (conversations, messages)
    added_p50 = dig(ours, ("added_ttft_ms", "p50"))
    relay_p50 = dig(relay, ("added_ttft_ms", "p50")) if relay else None
    if load == HEAVY_LOAD:
        ack_p50 = dig(ours, ("ack_ms", "p50"))
        met = _at_most(ack_p50, ACK_P50_LIMIT_MS)
        checks.append(Check("ack_p50_ms", ack_p50, ACK_P50_LIMIT_MS, met, required=True))
    stated_ratio = {HEAVY_LOAD: HEAVY_ADDED_P50_VS_RELAY, LIGHT_LOAD: LIGHT_ADDED_P50_VS_RELAY}
    if load in stated_ratio and relay is not None:
        value = relay_ratio(added_p50, relay_p50)
        limit = stated_ratio[load]
        checks.append(Check("added_ttft_p50_vs_relay", value, limit, _at_most(value, limit), True))
    checks += goals(ours, relay)
    return checks


def goals(ours: Mapping[str, Any], relay: Mapping[str, Any] | None) -> list[Check]:
    """Issue 7's figures, for any load: reported, never required."""
    checks = []
    for quantile, limit in (("p50", GOAL_ADDED_P50_MS), ("p95", GOAL_ADDED_P95_MS)):
        value = dig(ours, ("added_ttft_ms", quantile))
        checks.append(
            Check(f"added_ttft_{quantile}_ms", value, limit, _at_most(value, limit), False)
        )
    if relay is not None:
        for quantile in ("p50", "p95"):
            name = f"added_ttft_{quantile}_vs_relay"
            value = relay_ratio(
                dig(ours, ("added_ttft_ms", quantile)), dig(relay, ("added_ttft_ms", quantile))
            )
            if value is None:
                continue
            checks.append(
                Check(f"{name}_goal", value, GOAL_RELAY_RATIO, value <= GOAL_RELAY_RATIO, False)
            )
    kib = dig(ours, ("idle", "kib_per_socket"))
    if kib is not None:
        checks.append(
            Check(
                "kib_per_idle_socket",
                kib,
                GOAL_KIB_PER_IDLE_SOCKET,
                _at_most(kib, GOAL_KIB_PER_IDLE_SOCKET),
                False,
            )
        )
    return checks


def passed(checks: list[Check]) -> bool:
    return all(check.met for check in checks if check.required)
