"""The model tiers as a pure function: from the decision just taken, and where the answer
stands, to the next step (call a tier, hand over to people, or stop: answered). No I/O here;
answering.py performs each step and brings back the decision taken on it.

The knowledge base (the `local` provider) stands in once for models that fail, when there are
passages; if it cannot answer either, people get the conversation for the models' failure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from routing import reasons
from routing.policy import Decision, Signals, Thresholds, decide


@dataclass(frozen=True)
class Position:
    """Where an answer stands between steps."""

    # The signals the latest decision was taken on.
    signals: Signals
    passages_found: bool
    # The knowledge base may stand in only once, and never for a spent token budget.
    fallback_tried: bool
    # Set while the knowledge base stands in: the reason people get it if it cannot answer.
    fallback_for: str | None = None


@dataclass(frozen=True)
class CallTier:
    """Call the model of `signals.tier`."""

    signals: Signals
    # The conversation moves up to the strong tier first (and stays there).
    escalated: bool = False
    # The knowledge base (the `local` provider) stands in for failing models.
    fallback: bool = False


@dataclass(frozen=True)
class HandOff:
    reason: str
    tier: str


@dataclass(frozen=True)
class Answered:
    # An answer the knowledge base gave in the models' place (never cached).
    by_fallback: bool = False


type Step = CallTier | HandOff | Answered


def start(signals: Signals, decision: Decision, *, passages_found: bool, provider: str) -> Position:
    """The position after the first decision (taken before any model call)."""
    return Position(
        signals=signals,
        passages_found=passages_found,
        fallback_tried=provider == "local" or "limit" in decision.inputs,
    )


def next_step(position: Position, decision: Decision) -> tuple[Step, Position]:
    if decision.action == "answer":
        return Answered(by_fallback=position.fallback_for is not None), position
    if position.fallback_for is not None:
        return HandOff(position.fallback_for, position.signals.tier), position
    if decision.action == "handoff":
        if (
            decision.reason == reasons.PROVIDER_ERROR
            and not position.fallback_tried
            and position.passages_found
        ):
            signals = replace(position.signals, single_tier=True, provider_error=None)
            moved = replace(
                position, signals=signals, fallback_tried=True, fallback_for=decision.reason
            )
            return CallTier(signals, fallback=True), moved
        return HandOff(decision.reason, position.signals.tier), position
    if decision.action == "escalate":
        signals = replace(
            position.signals, tier="strong", control=None, stop_reason=None, provider_error=None
        )
        return CallTier(signals, escalated=True), replace(position, signals=signals)
    return CallTier(position.signals), position


def after_call(position: Position, signals: Signals) -> Position:
    """A tier was called: the next decision stands on what the call showed."""
    return replace(position, signals=signals)


def refused(signals: Signals, limit: str, thresholds: Thresholds) -> tuple[Signals, Decision]:
    """A limit refused the call: the tier's daily cap or an open circuit moves the answer on as
    a failing tier does; the other limits (spend budgets, calls in flight) hand it to people."""
    if limit in ("spend_cap", "circuit_open"):
        signals = replace(signals, provider_error=limit)
        return signals, decide(signals, thresholds)
    return signals, Decision("handoff", "human", reasons.SPEND_LIMIT, {"limit": limit})
