"""Before any model: the customer's message, its language, the intent rules, the knowledge
base's passages, the router's first decision, each audited, and a cached answer; run in one
trip to the conversation's database thread, which reserves the first model call too when
nothing stands in between."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from routing import reasons
from routing.classifier import IntentReading, read_intent
from routing.policy import Decision, Signals, decide
from routing.providers import Passage, Provider
from routing.signals import negative_sentiment, repeat_count, said_not_helpful
from support.knowledge.help_centre import system_prompts
from support.knowledge.search import search_passages

from .answer_cache import look_up
from .answer_context import Context, customer_language, load_context
from .answer_run import AnswerRun
from .billing import circuit_blocked, tier_blocked
from .dbthreads import urgent_work_waiting
from .ledger_models import CachedAnswer
from .model_turn import reserve_first_call_now
from .models import Tier


@dataclass(frozen=True)
class Prepared:
    context: Context
    passages: list[Passage]
    signals: Signals
    decision: Decision
    # The answer cache's key for a first question, and the live answer cached under it.
    cache_key: str | None = None
    cached: CachedAnswer | None = None


def prepare(run: AnswerRun, provider: Provider) -> Prepared | None:
    """Everything before the first decision: the conversation, the rules, the passages, the
    decision and whether its tier may be called; None when the AI owes no answer.

    When the model is called next, its seq and spend are reserved at the end, unless work of
    the conversation waits on the thread: a handoff that lands while the answer is prepared
    runs first and still stops the model (the reservation then takes a trip of its own)."""
    context = load_context(run.conversation_id, run.customer_seq)
    if context is None:
        return None
    run.group = context.conversation.group_name
    context.language = customer_language(context)
    if context.language != context.conversation.language:
        run.pending_language = context.conversation.language = context.language
    try:
        return _prepare(run, provider, context)
    finally:
        # Unless the reservation took it along, or there was none.
        run.store_language_now()


def _prepare(run: AnswerRun, provider: Provider, context: Context) -> Prepared:
    reading = read_intent(context.question)
    version = context.knowledge_version
    passages = (
        search_passages(context.question, language=context.language, version=version)
        if reading.match is None
        else []
    )
    if provider.name != "local":
        run.prompts = system_prompts(version)
    signals, decision = first_decision(run, provider, context, reading, passages)
    cache_key, cached = (
        look_up(context, passages, provider.name)
        if decision.action in ("call_model", "escalate")
        else (None, None)
    )
    if cached is None and _calls_at_once(run, provider, signals, decision):
        # The reservation holds the tier to its daily cap itself: refused, it says
        # "spend_cap" as tier_blocked would have, and the answer moves on alike.
        run.blocked_tiers[signals.tier] = None
        reserve_first_call_now(run, provider, signals.tier, context, passages)
    else:
        run.blocked_tiers[signals.tier] = tier_blocked(signals.tier, provider.name)
    return Prepared(context, passages, signals, decision, cache_key, cached)


def _calls_at_once(
    run: AnswerRun, provider: Provider, signals: Signals, decision: Decision
) -> bool:
    """Whether the next step is the call of this tier (its model's circuit closed) and nothing
    of the conversation waits on this thread, a handoff say, that must run before the
    reservation: the call is then reserved in this visit, one trip to the thread fewer before
    the first word."""
    return (
        decision.action == "call_model"
        and circuit_blocked(signals.tier, provider.name) is None
        and not urgent_work_waiting(run.conversation_id)
    )


def first_decision(
    run: AnswerRun,
    provider: Provider,
    context: Context,
    reading: IntentReading,
    passages: list[Passage],
) -> tuple[Signals, Decision]:
    run.note("routing.rules", "router", _rules_data(reading))
    if reading.match is None:
        run.note("routing.retrieval", "router", _retrieval_data(passages, context.language))
    intent = reading.match
    signals = Signals(
        tier="strong" if context.conversation.tier == Tier.STRONG else "fast",
        single_tier=provider.name == "local",
        rule_intent=intent.reason if intent else None,
        top_retrieval_score=passages[0].score if passages else 0.0,
        repeated_question_count=repeat_count(context.question, context.earlier_questions),
        said_not_helpful=said_not_helpful(context.question),
        negative_sentiment=negative_sentiment(context.question),
        customer_turns=context.customer_turns,
    )
    decision = decide(signals, run.thresholds)
    budget = settings.LADDER_CONVERSATION_TOKEN_BUDGET
    if decision.action != "handoff" and context.conversation.model_tokens >= budget:
        run.note(
            "limit.token_budget",
            "system",
            {"model_tokens": context.conversation.model_tokens, "budget": budget},
        )
        decision = Decision("handoff", "human", reasons.PROVIDER_ERROR, {"limit": "token_budget"})
    run.note("routing.decision", "router", decision.as_audit())
    return signals, decision


def _rules_data(reading: IntentReading) -> dict[str, Any]:
    intent = reading.match
    return {
        "matched": intent is not None,
        "rule": intent.rule if intent else None,
        "reason": intent.reason if intent else None,
        "words": list(intent.words) if intent else [],
        "source": reading.source,
        "classifier_probability": reading.human_probability,
        "kept_by_rule": reading.kept_by_rule,
    }


def _retrieval_data(passages: list[Passage], language: str) -> dict[str, Any]:
    return {
        "articles": [{"id": p.article_id, "score": round(p.score, 4)} for p in passages],
        "top_score": round(passages[0].score, 4) if passages else 0.0,
        "language": language,
    }
