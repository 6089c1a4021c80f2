"""`decide`: the documented order of the routing signals."""

from __future__ import annotations

from routing.control import ControlLine
from routing.policy import Signals, Thresholds, decide

LIMITS = Thresholds()


def sure(confidence: float, answered: bool = True, intent: str | None = None) -> ControlLine:
    return ControlLine(confidence, answered, intent, "[[ladder ...]]", valid=True)


def test_explicit_intent_goes_to_a_person_before_any_model():
    decision = decide(Signals(tier="fast", rule_intent="legal", top_retrieval_score=0.9), LIMITS)
    assert (decision.action, decision.reason, decision.tier) == ("handoff", "legal", "human")


def test_good_retrieval_calls_the_fast_model():
    decision = decide(Signals(tier="fast", top_retrieval_score=0.8), LIMITS)
    assert (decision.action, decision.tier) == ("call_model", "fast")


def test_no_passage_above_the_floor_skips_the_fast_model():
    decision = decide(Signals(tier="fast", top_retrieval_score=0.05), LIMITS)
    assert (decision.action, decision.tier, decision.reason) == (
        "escalate",
        "strong",
        "missing_knowledge",
    )


def test_no_passage_above_the_floor_with_the_local_provider_goes_to_people():
    decision = decide(Signals(tier="fast", single_tier=True, top_retrieval_score=0.05), LIMITS)
    assert (decision.action, decision.reason) == ("handoff", "missing_knowledge")


def test_confident_fast_answer_stands():
    decision = decide(Signals(tier="fast", top_retrieval_score=0.8, control=sure(0.85)), LIMITS)
    assert (decision.action, decision.tier) == ("answer", "fast")


def test_unsure_fast_answer_goes_to_the_strong_model():
    decision = decide(Signals(tier="fast", top_retrieval_score=0.8, control=sure(0.5)), LIMITS)
    assert (decision.action, decision.tier, decision.reason) == (
        "escalate",
        "strong",
        "low_confidence",
    )


def test_unsure_strong_answer_goes_to_people_with_low_confidence():
    decision = decide(Signals(tier="strong", top_retrieval_score=0.8, control=sure(0.4)), LIMITS)
    assert (decision.action, decision.reason) == ("handoff", "low_confidence")


def test_threshold_is_inclusive():
    decision = decide(Signals(tier="fast", top_retrieval_score=0.8, control=sure(0.7)), LIMITS)
    assert decision.action == "answer"


def test_confident_but_not_answered_is_not_an_answer():
    decision = decide(
        Signals(tier="fast", top_retrieval_score=0.8, control=sure(0.95, answered=False)), LIMITS
    )
    assert decision.action == "escalate"


def test_intent_stated_by_the_model_goes_to_people():
    decision = decide(
        Signals(tier="fast", top_retrieval_score=0.8, control=sure(0.95, intent="complaint")),
        LIMITS,
    )
    assert (decision.action, decision.reason) == ("handoff", "complaint")


def test_third_asking_of_the_same_question_goes_to_people():
    decision = decide(
        Signals(tier="fast", top_retrieval_score=0.9, repeated_question_count=3), LIMITS
    )
    assert (decision.action, decision.reason) == ("handoff", "repeated_question")


def test_provider_failure_on_fast_tries_strong_then_people():
    on_fast = decide(
        Signals(tier="fast", top_retrieval_score=0.9, provider_error="overloaded"), LIMITS
    )
    on_strong = decide(
        Signals(tier="strong", top_retrieval_score=0.9, provider_error="overloaded"), LIMITS
    )
    assert (on_fast.action, on_fast.tier) == ("escalate", "strong")
    assert (on_strong.action, on_strong.reason) == ("handoff", "provider_error")


def test_refusal_goes_to_people():
    decision = decide(
        Signals(tier="fast", top_retrieval_score=0.9, control=sure(0.9), stop_reason="refusal"),
        LIMITS,
    )
    assert (decision.action, decision.reason) == ("handoff", "model_refusal")


def test_negative_sentiment_asks_for_more_certainty():
    calm = decide(Signals(tier="fast", top_retrieval_score=0.9, control=sure(0.75)), LIMITS)
    upset = decide(
        Signals(tier="fast", top_retrieval_score=0.9, control=sure(0.75), negative_sentiment=True),
        LIMITS,
    )
    assert calm.action == "answer"
    assert upset.action == "escalate"


def test_not_helpful_moves_one_tier_up_before_calling_a_model():
    decision = decide(Signals(tier="fast", top_retrieval_score=0.9, said_not_helpful=True), LIMITS)
    assert (decision.action, decision.tier) == ("escalate", "strong")


def test_decision_records_its_inputs_and_thresholds_for_the_audit():
    audit = decide(
        Signals(tier="fast", top_retrieval_score=0.9, control=sure(0.9)), LIMITS
    ).as_audit()
    assert audit["inputs"]["control"]["confidence"] == 0.9
    assert audit["thresholds"]["confidence"] == 0.7
