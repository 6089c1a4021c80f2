"""Who answers: one `decide` function combining every routing signal in a documented order.

Order (the first that applies wins):
 1. an explicit intent (rules on the customer's text, or the model's control line) -> person
 2. the same question asked a third time -> person (`repeated_question`)
 3. the provider failed -> next model tier, or a person (`provider_error`)
 4. the model refused -> person (`model_refusal`)
 5. before any model call: no passage above the retrieval floor -> the fast model is not
    trusted alone: strong model, or a person (`missing_knowledge`) when there is none
 6. the customer said the last answer did not help -> one tier up
 7. after a model call: confidence below the threshold (raised a notch by negative sentiment
    or a long conversation), or "not answered" -> strong model; strong model unsure -> person
 8. otherwise the model's answer stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from . import reasons
from .control import ControlLine

Action = Literal["answer", "call_model", "escalate", "handoff"]


@dataclass(frozen=True)
class Thresholds:
    confidence: float = 0.7
    local_confidence: float = 0.42
    retrieval_floor: float = 0.2
    repeated_question_limit: int = 3
    # Negative sentiment or a long conversation asks for more certainty before answering.
    caution_margin: float = 0.1
    long_conversation_turns: int = 8


@dataclass(frozen=True)
class Signals:
    tier: Literal["fast", "strong"]
    # True when the provider has no stronger tier (the local provider).
    single_tier: bool = False
    rule_intent: str | None = None
    top_retrieval_score: float = 0.0
    repeated_question_count: int = 1
    said_not_helpful: bool = False
    negative_sentiment: bool = False
    customer_turns: int = 1
    # After a model call (None before it):
    control: ControlLine | None = None
    stop_reason: str | None = None
    provider_error: str | None = None


@dataclass(frozen=True)
class Decision:
    action: Action
    tier: Literal["fast", "strong", "human"]
    reason: str
    inputs: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)

    def as_audit(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_audit(cls, data: Mapping[str, Any]) -> Decision:
        """The decision a `routing.decision` audit event recorded."""
        return cls(
            action=data.get("action", "handoff"),
            tier=data.get("tier", "human"),
            reason=data.get("reason", ""),
            inputs=dict(data.get("inputs") or {}),
            thresholds=dict(data.get("thresholds") or {}),
        )


def _signals_for_audit(signals: Signals) -> dict[str, Any]:
    data = asdict(signals)
    if signals.control is not None:
        data["control"] = {
            "confidence": signals.control.confidence,
            "answered": signals.control.answered,
            "intent": signals.control.intent,
            "valid": signals.control.valid,
        }
    return data


def decide(signals: Signals, thresholds: Thresholds) -> Decision:
    inputs = _signals_for_audit(signals)
    limits = asdict(thresholds)

    def result(action: Action, tier: str, reason: str) -> Decision:
        return Decision(action, tier, reason, inputs, limits)  # type: ignore[arg-type]

    def one_tier_up(reason_if_top: str, reason: str) -> Decision:
        if signals.tier == "fast" and not signals.single_tier:
            return result("escalate", "strong", reason)
        return result("handoff", "human", reason_if_top)

    if signals.rule_intent:
        return result("handoff", "human", signals.rule_intent)
    if signals.control is not None and signals.control.intent:
        return result("handoff", "human", signals.control.intent)
    if signals.repeated_question_count >= thresholds.repeated_question_limit:
        return result("handoff", "human", reasons.REPEATED_QUESTION)
    if signals.provider_error:
        return one_tier_up(reasons.PROVIDER_ERROR, reasons.PROVIDER_ERROR)
    if signals.stop_reason == "refusal":
        return result("handoff", "human", reasons.MODEL_REFUSAL)

    below_floor = signals.top_retrieval_score < thresholds.retrieval_floor
    if signals.control is None:
        if below_floor and signals.tier == "fast":
            return one_tier_up(reasons.MISSING_KNOWLEDGE, reasons.MISSING_KNOWLEDGE)
        if signals.said_not_helpful:
            return one_tier_up(reasons.LOW_CONFIDENCE, reasons.LOW_CONFIDENCE)
        return result("call_model", signals.tier, "")

    threshold = thresholds.local_confidence if signals.single_tier else thresholds.confidence
    if signals.negative_sentiment or signals.customer_turns > thresholds.long_conversation_turns:
        threshold = min(1.0, threshold + thresholds.caution_margin)
    confident = signals.control.confidence >= threshold and signals.control.answered
    if confident:
        return result("answer", signals.tier, "")
    # The local provider's confidence is its retrieval score: unsure means the knowledge is thin.
    unsure_reason = (
        reasons.MISSING_KNOWLEDGE
        if below_floor or not signals.control.answered or signals.single_tier
        else reasons.LOW_CONFIDENCE
    )
    # The strong model's low confidence is `low_confidence` even when the passages were thin:
    # it was asked and could not answer.
    if signals.tier == "strong":
        return result("handoff", "human", reasons.LOW_CONFIDENCE)
    return one_tier_up(unsure_reason, reasons.LOW_CONFIDENCE)
