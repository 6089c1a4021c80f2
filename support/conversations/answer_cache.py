"""The answer cache: a first question asked again, in the same language, over the same
passages and set-up, gets the answer written before, streamed as a model's would be (and
audited as `answer.cache_hit` with who wrote it and when). Entries expire, and go when any
article changes or the conversation that wrote them is erased."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from routing.cache_key import AnswerSetup, answer_cache_key, passage_digest
from routing.configured import model_for_tier
from routing.providers import Passage

from . import actions
from .answer_context import Context
from .answer_run import AnswerRun
from .dbthreads import after_stream
from .ledger_models import CachedAnswer
from .statements import cached_answer_row, count_cache_hit
from .streaming import StreamEmitter, end_stream


def cacheable(context: Context, passages: Sequence[Passage]) -> bool:
    # Only first questions: later answers lean on the conversation so far.
    return bool(settings.LADDER_ANSWER_CACHE and passages and context.customer_turns == 1)


def cache_key_for(context: Context, passages: Sequence[Passage], provider: str) -> str | None:
    setup = answer_setup(provider)
    # The same words may be answered in another language for another customer.
    return answer_cache_key(f"[{context.language}] {context.question}", list(passages), setup)


def answer_setup(provider: str) -> AnswerSetup:
    return AnswerSetup(
        provider=provider,
        models=(model_for_tier("fast", provider), model_for_tier("strong", provider)),
    )


def look_up(
    context: Context, passages: Sequence[Passage], provider: str
) -> tuple[str | None, CachedAnswer | None]:
    """The cache key of a cacheable question, and the live entry under it if there is one (on
    a database thread)."""
    if not cacheable(context, passages):
        return None, None
    key = cache_key_for(context, passages, provider)
    if not key:
        return None, None
    return key, cached_answer(key, provider=provider, max_age_s=settings.LADDER_ANSWER_CACHE_TTL_S)


async def serve_cached(run: AnswerRun, entry: CachedAnswer) -> None:
    """Stream and store the cached answer `entry`."""
    message = await run.reserve(entry.tier, entry.model)
    emitter = StreamEmitter(run.layer, run.group, run.conversation_id, message.seq)
    await emitter.start()
    await emitter.push(entry.text)
    await emitter.flush()
    first_frame_ms = run.ms_since_ack()
    stored = await after_stream(actions.do_finish_assistant_message)(
        message.pk,
        text=entry.text,
        interrupted=False,
        audit_kind="answer.cache_hit",
        audit_data={"seq": run.customer_seq, **_hit_data(entry, message.seq, first_frame_ms)},
        usage={
            "time_to_first_token_ms": first_frame_ms,
            "confidence": entry.confidence,
            "total_ms": first_frame_ms,
        },
        audit_before=run.take_audit(),
    )
    await end_stream(run.layer, run.group, run.conversation_id, stored.as_frame())


def _hit_data(entry: CachedAnswer, answer_seq: int, first_frame_ms: int) -> dict[str, Any]:
    return {
        "answer_seq": answer_seq,
        "cached_answer": entry.pk,
        # Who wrote the answer, and when: the cache only repeats it.
        "provider": entry.provider,
        "tier": entry.tier,
        "model": entry.model,
        "prompt_version": entry.prompt_version,
        "written_at": entry.created_at.isoformat(),
        "confidence": entry.confidence,
        "time_to_first_token_ms": first_frame_ms,
    }


async def remember_answer(
    key: str,
    context: Context,
    passages: Sequence[Passage],
    *,
    provider: str,
    tier: str,
    model: str,
    text: str,
    confidence: float | None,
) -> None:
    """Keep a model's answer to a first question for the next customer who asks it."""
    await after_stream(store_answer)(
        key,
        context.question,
        text,
        provider=provider,
        tier=tier,
        model=model,
        prompt_version=answer_setup(provider).prompt_version,
        confidence=confidence,
        passages=passages,
        conversation=context.conversation.public_id.hex,
    )


# Storage


def cached_answer(key: str, *, provider: str, max_age_s: float) -> CachedAnswer | None:
    """The live entry under `key` written by `provider`, counted as a hit; an expired one is
    forgotten. (The provider is in the key too; checking it again costs nothing.)"""
    entry = cached_answer_row(key)
    if entry is None:
        return None
    if entry.created_at < timezone.now() - timedelta(seconds=max_age_s):
        CachedAnswer.objects.filter(pk=entry.pk).delete()
        return None
    if entry.provider != provider:
        return None
    count_cache_hit(entry.pk)
    return entry


def store_answer(
    key: str,
    question: str,
    text: str,
    *,
    provider: str,
    tier: str,
    model: str,
    prompt_version: str,
    confidence: float | None,
    passages: Sequence[Passage],
    conversation: str,
) -> None:
    try:
        with transaction.atomic():
            CachedAnswer.objects.create(
                key=key,
                question=question[:2000],
                text=text,
                provider=provider,
                tier=tier,
                model=model,
                prompt_version=prompt_version,
                confidence=confidence,
                article_ids=[p.article_id for p in passages],
                passage_digests=[passage_digest(p) for p in passages],
                conversation=conversation,
            )
    except IntegrityError:
        pass  # another conversation cached the same answer first (or an expired one is due)


def forget_expired_answers(max_age_s: float) -> int:
    cutoff = timezone.now() - timedelta(seconds=max_age_s)
    return CachedAnswer.objects.filter(created_at__lt=cutoff).delete()[0]


def forget_answers_of(conversation: str) -> int:
    """Erasure: the entries written in a conversation hold its question (and maybe its words)."""
    return CachedAnswer.objects.filter(conversation=conversation).delete()[0]


def forget_cached_answers() -> int:
    """Called when any article changes: the passages behind cached answers may differ now."""
    return CachedAnswer.objects.all().delete()[0]
