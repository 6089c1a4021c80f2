"""The model tiers as a pure function: each decision leads to one next step, with no database,
socket or model in sight (answering.py performs the steps)."""

from __future__ import annotations

from dataclasses import replace

from routing import reasons
from routing.control import ControlLine
from routing.policy import Decision, Signals, Thresholds, decide
from support.conversations import tier_loop
from support.conversations.tier_loop import Answered, CallTier, HandOff

LIMITS = Thresholds()
GOOD_RETRIEVAL = Signals(tier="fast", top_retrieval_score=0.8)


def sure(confidence: float, answered: bool = True) -> ControlLine:
    return ControlLine(confidence, answered, None, "[[ladder ...]]", valid=True)


def started(signals: Signals = GOOD_RETRIEVAL, *, provider: str = "anthropic", passages=True):
    decision = decide(signals, LIMITS)
    return tier_loop.start(signals, decision, passages_found=passages, provider=provider), decision


def called(position: tier_loop.Position, signals: Signals):
    """The step's tier was called and showed `signals`: the decision taken on it."""
    return tier_loop.after_call(position, signals), decide(signals, LIMITS)


def test_the_first_decision_calls_the_tier_it_names_and_changes_nothing_else():
    position, decision = started()

    step, after = tier_loop.next_step(position, decision)

    assert step == CallTier(GOOD_RETRIEVAL)
    assert after == position


def test_a_confident_answer_ends_the_loop_as_answered():
    position, decision = started()
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, control=sure(0.9)))

    step, _ = tier_loop.next_step(position, decision)

    assert step == Answered(by_fallback=False)


def test_an_unsure_fast_model_escalates_to_a_fresh_strong_call():
    position, decision = started()
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, control=sure(0.3)))

    step, position = tier_loop.next_step(position, decision)

    assert isinstance(step, CallTier) and step.escalated and not step.fallback
    # The strong call starts clean: nothing of the fast call's reading carries over.
    assert (step.signals.tier, step.signals.control, step.signals.provider_error) == (
        "strong",
        None,
        None,
    )
    assert position.signals == step.signals


def test_an_unsure_strong_model_hands_over_for_low_confidence_from_the_strong_tier():
    position, decision = started(replace(GOOD_RETRIEVAL, tier="strong"))
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, control=sure(0.2)))

    step, _ = tier_loop.next_step(position, decision)

    assert step == HandOff(reasons.LOW_CONFIDENCE, "strong")


def test_failing_models_with_passages_let_the_knowledge_base_stand_in_once():
    position, decision = started(replace(GOOD_RETRIEVAL, tier="strong"))
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, provider_error="overloaded"))
    assert decision.reason == reasons.PROVIDER_ERROR

    step, position = tier_loop.next_step(position, decision)

    assert isinstance(step, CallTier) and step.fallback and not step.escalated
    assert (step.signals.single_tier, step.signals.provider_error) == (True, None)
    assert position.fallback_tried


def test_an_answer_by_the_knowledge_base_is_marked_as_its_own():
    position, decision = started(replace(GOOD_RETRIEVAL, tier="strong"))
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, provider_error="overloaded"))
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, control=sure(0.9)))

    step, _ = tier_loop.next_step(position, decision)

    assert step == Answered(by_fallback=True)


def test_a_knowledge_base_that_cannot_answer_either_hands_over_for_the_models_failure():
    position, decision = started(replace(GOOD_RETRIEVAL, tier="strong"))
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, provider_error="overloaded"))
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, control=sure(0.1, False)))
    assert decision.reason == reasons.LOW_CONFIDENCE  # the stand-in's own reading

    step, _ = tier_loop.next_step(position, decision)

    assert step == HandOff(reasons.PROVIDER_ERROR, "strong")


def test_failing_models_without_passages_hand_over_at_once():
    position, decision = started(replace(GOOD_RETRIEVAL, tier="strong"), passages=False)
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, provider_error="overloaded"))

    step, _ = tier_loop.next_step(position, decision)

    assert step == HandOff(reasons.PROVIDER_ERROR, "strong")


def test_the_local_provider_never_stands_in_for_itself():
    position, decision = started(replace(GOOD_RETRIEVAL, single_tier=True), provider="local")
    step, position = tier_loop.next_step(position, decision)
    position, decision = called(position, replace(step.signals, provider_error="stream_cut"))

    step, _ = tier_loop.next_step(position, decision)

    assert step == HandOff(reasons.PROVIDER_ERROR, "fast")


def test_a_spent_token_budget_goes_to_people_without_the_knowledge_base():
    token_budget = Decision("handoff", "human", reasons.PROVIDER_ERROR, {"limit": "token_budget"})
    position = tier_loop.start(
        GOOD_RETRIEVAL, token_budget, passages_found=True, provider="anthropic"
    )

    step, _ = tier_loop.next_step(position, token_budget)

    assert step == HandOff(reasons.PROVIDER_ERROR, "fast")


def test_a_rule_hands_over_before_any_call():
    position, decision = started(replace(GOOD_RETRIEVAL, rule_intent=reasons.LEGAL))

    step, _ = tier_loop.next_step(position, decision)

    assert step == HandOff(reasons.LEGAL, "fast")


def test_a_tier_at_its_spend_cap_moves_on_as_a_failing_tier_does():
    signals, decision = tier_loop.refused(GOOD_RETRIEVAL, "spend_cap", LIMITS)

    assert signals.provider_error == "spend_cap"
    assert (decision.action, decision.tier, decision.reason) == (
        "escalate",
        "strong",
        reasons.PROVIDER_ERROR,
    )


def test_an_open_circuit_on_the_strong_tier_hands_over_for_a_provider_error():
    strong = replace(GOOD_RETRIEVAL, tier="strong")
    signals, decision = tier_loop.refused(strong, "circuit_open", LIMITS)

    assert (decision.action, decision.reason) == ("handoff", reasons.PROVIDER_ERROR)
    assert signals.provider_error == "circuit_open"


def test_a_spent_budget_or_full_calls_hand_over_for_the_spend_limit_naming_it():
    for limit in ("address_budget", "conversation_budget", "calls_in_flight"):
        signals, decision = tier_loop.refused(GOOD_RETRIEVAL, limit, LIMITS)

        assert signals == GOOD_RETRIEVAL
        assert decision == Decision("handoff", "human", reasons.SPEND_LIMIT, {"limit": limit})
