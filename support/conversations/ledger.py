"""Spend and health bookkeeping around model calls: daily spend per tier, the answer cache,
and circuit-breaker states mirrored for the admin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from routing.cache_key import passage_digest
from routing.providers.base import Passage

from .ledger_models import CachedAnswer, DailySpend, ProviderCircuit
from .rows import add_to_columns, select_values

# The day's row of a tier, for the plain statements below (columns as the table names them).
DAY_AND_TIER = "day = %s AND tier = %s"


def _day_and_tier(day: date, tier: str) -> list[object]:
    return [DailySpend._meta.get_field("day").get_db_prep_value(day, connection), tier]


def spent_today_usd(tier: str) -> Decimal:
    # A plain statement: it runs before every model call, and compiling the ORM query cost
    # more than running it.
    where = _day_and_tier(timezone.now().date(), tier)
    rows = select_values(DailySpend, ("cost_usd",), DAY_AND_TIER, where)
    return rows[0][0] if rows else Decimal(0)


def add_spend(tier: str, cost: Decimal) -> None:
    # A plain statement: it runs after every model call, and compiling the ORM's update with
    # its F() expressions cost more than running it.
    day = timezone.now().date()
    where = _day_and_tier(day, tier)
    if add_to_columns(DailySpend, DAY_AND_TIER, where, cost_usd=cost, calls=1):
        return
    try:
        with transaction.atomic():
            DailySpend.objects.create(day=day, tier=tier, cost_usd=cost, calls=1)
    except IntegrityError:
        add_to_columns(DailySpend, DAY_AND_TIER, where, cost_usd=cost, calls=1)


def cached_answer(key: str, *, provider: str, max_age_s: float) -> CachedAnswer | None:
    """The live entry under `key` written by `provider`, counted as a hit; an expired one is
    forgotten. (The provider is in the key too; checking it again costs nothing.)"""
    entry = CachedAnswer.objects.filter(key=key).first()
    if entry is None:
        return None
    if entry.created_at < timezone.now() - timedelta(seconds=max_age_s):
        CachedAnswer.objects.filter(pk=entry.pk).delete()
        return None
    if entry.provider != provider:
        return None
    CachedAnswer.objects.filter(pk=entry.pk).update(hits=F("hits") + 1)
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


def mirror_circuit(model: str, *, state: str, failures: int, error: str, open_for_s: float) -> None:
    opened_until = timezone.now() + timedelta(seconds=open_for_s) if state == "open" else None
    ProviderCircuit.objects.update_or_create(
        model=model,
        defaults={
            "state": state,
            "consecutive_failures": failures,
            "last_error": error[:200],
            "opened_until": opened_until,
        },
    )
