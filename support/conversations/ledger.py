"""Spend and health bookkeeping around model calls: daily spend per tier, the answer cache,
and circuit-breaker states mirrored for the admin."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

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


def normalise_question(question: str) -> str:
    folded = unicodedata.normalize("NFKD", question.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", folded))


def answer_cache_key(question: str, article_ids: list[int]) -> str:
    basis = normalise_question(question) + "|" + ",".join(str(i) for i in sorted(article_ids))
    return hashlib.sha256(basis.encode()).hexdigest()


def cached_answer(key: str) -> CachedAnswer | None:
    entry = CachedAnswer.objects.filter(key=key).first()
    if entry is not None:
        CachedAnswer.objects.filter(pk=entry.pk).update(hits=F("hits") + 1)
    return entry


def store_answer(
    key: str,
    question: str,
    text: str,
    *,
    tier: str,
    model: str,
    confidence: float | None,
    article_ids: list[int],
) -> None:
    try:
        with transaction.atomic():
            CachedAnswer.objects.create(
                key=key,
                question=question[:2000],
                text=text,
                tier=tier,
                model=model,
                confidence=confidence,
                article_ids=article_ids,
            )
    except IntegrityError:
        pass  # another conversation cached the same answer first


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
