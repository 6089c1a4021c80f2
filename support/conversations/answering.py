"""Answering a customer message, step by step: prepare (rules, retrieval, the first decision),
the answer cache, then the model tiers as tier_loop.py orders them, until the answer stands or
people get the conversation. Each step's work lives in its own module; answer_tasks.py runs
answers as tasks of their own, one at a time per conversation.
"""

from __future__ import annotations

from routing.providers import Provider, get_provider

from . import tier_loop
from .answer_cache import remember_answer, serve_cached
from .answer_run import AnswerRun
from .billing import tier_blocked
from .dbthreads import in_conversation, preparing_in
from .handoff import hand_off
from .model_turn import TierOutcome, call_tier
from .models import Conversation, Tier
from .preparing import Prepared, prepare


async def answer(run: AnswerRun) -> None:
    provider = get_provider()
    prepared = await preparing_in(run.conversation_id, prepare)(run, provider)
    if prepared is None:
        return
    if prepared.cached is not None:
        await serve_cached(run, prepared.cached)
        return
    cache_key = prepared.cache_key
    decision = prepared.decision
    position = tier_loop.start(
        prepared.signals,
        decision,
        passages_found=bool(prepared.passages),
        provider=provider.name,
    )
    last: TierOutcome | None = None
    while True:
        step, position = tier_loop.next_step(position, decision)
        if isinstance(step, tier_loop.Answered):
            if cache_key and last is not None and not step.by_fallback:
                await _remember(cache_key, prepared, provider, last)
            return
        if isinstance(step, tier_loop.HandOff):
            details = {"tier": step.tier}
            await hand_off(
                run.conversation_id, step.reason, details, run.reserved, run.take_audit()
            )
            return
        last = await _take_turn(run, step, provider, prepared)
        decision = last.decided
        position = tier_loop.after_call(position, last.signals)


async def _take_turn(
    run: AnswerRun, step: tier_loop.CallTier, provider: Provider, prepared: Prepared
) -> TierOutcome:
    """Call the step's tier (or refuse it: a spend cap reached, a circuit open)."""
    if step.fallback:
        provider = get_provider("local")
    else:
        if step.escalated:
            await in_conversation(
                run.conversation_id,
                Conversation.objects.filter(pk=run.conversation_id).update,
            )(tier=Tier.STRONG)
        tier = step.signals.tier
        blocked = (
            run.blocked_tiers.pop(tier)
            if tier in run.blocked_tiers
            else await in_conversation(run.conversation_id, tier_blocked)(tier, provider.name)
        )
        if blocked:
            run.note(f"limit.{blocked}", "system", {"tier": tier})
            signals, decision = tier_loop.refused(step.signals, blocked, run.thresholds)
            run.note("routing.decision", "router", decision.as_audit())
            return TierOutcome(decision=decision, signals=signals)
    outcome = await call_tier(run, provider, step.signals, prepared.context, prepared.passages)
    run.release_if_streamed(outcome.streamed)
    return outcome


async def _remember(
    cache_key: str, prepared: Prepared, provider: Provider, outcome: TierOutcome
) -> None:
    if outcome.call is None or not outcome.call.control.raw:
        return
    control = outcome.signals.control
    await remember_answer(
        cache_key,
        prepared.context,
        prepared.passages,
        provider=provider.name,
        tier=outcome.signals.tier,
        model=outcome.model,
        text=outcome.text,
        confidence=control.confidence if control else None,
    )
