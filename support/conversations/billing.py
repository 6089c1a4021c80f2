"""What a model call may spend and what it spent, for answers and drafts alike: a place among
the calls in flight and the call's worst-case cost reserved against every budget it counts
against before the call (ledger.py keeps the sums), settled to the real cost after it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from routing.configured import model_for_tier
from routing.prices import worst_case_cost_usd
from routing.providers import ProviderRequest

from .breakers import breaker
from .dbthreads import in_conversation
from .ledger import (
    CALLS_IN_FLIGHT,
    Budget,
    Reservation,
    add_spend,
    address_budget,
    conversation_budget,
    release_spend,
    reserve_spend,
    settle_spend,
    spent_today_usd,
    tier_budget,
)
from .models import Tier


def daily_cap_usd(tier: str) -> Decimal:
    cap = (
        settings.LADDER_DAILY_SPEND_CAP_STRONG_USD
        if tier == Tier.STRONG
        else settings.LADDER_DAILY_SPEND_CAP_FAST_USD
    )
    return Decimal(str(cap))


def spend_budgets(tier: str, conversation_id: int, client_address: str = "") -> list[Budget]:
    """What one call counts against: the tier's daily cap, and (when set) the client address's
    daily budget and the conversation's budget; the most shared first (see reserve_spend)."""
    budgets = [tier_budget(tier, daily_cap_usd(tier))]
    per_address = settings.LADDER_DAILY_SPEND_PER_IP_USD
    if per_address and client_address:
        budgets.append(address_budget(client_address, Decimal(str(per_address))))
    per_conversation = settings.LADDER_CONVERSATION_SPEND_BUDGET_USD
    if per_conversation:
        budgets.append(conversation_budget(conversation_id, Decimal(str(per_conversation))))
    return budgets


def tier_blocked(tier: str, provider: str) -> str | None:
    """Why this tier may not be called now (its daily spend cap reached, its model's circuit
    open), or None. On a database thread."""
    if provider == "local":
        return None
    if spent_today_usd(tier) >= daily_cap_usd(tier):
        return "spend_cap"
    return circuit_blocked(tier, provider)


def circuit_blocked(tier: str, provider: str) -> str | None:
    """Why the tier may not be called by its circuit alone ("circuit_open"), or None; no query."""
    if provider != "local" and not breaker(model_for_tier(tier, provider)).allows_call():
        return "circuit_open"
    return None


def worst_case_usd(request: ProviderRequest) -> Decimal:
    prompt = request.system + "".join(str(m.get("content", "")) for m in request.messages)
    return worst_case_cost_usd(
        request.model,
        prompt_bytes=len(prompt.encode("utf-8", "surrogatepass")),
        max_output_tokens=request.max_output_tokens,
    )


async def reserve_call(
    conversation_id: int, request: ProviderRequest, client_address: str = ""
) -> Reservation | str:
    """`reserve_call_now` on the conversation's database thread."""
    return await in_conversation(conversation_id, reserve_call_now)(
        conversation_id, request, client_address
    )


def reserve_call_now(
    conversation_id: int, request: ProviderRequest, client_address: str = ""
) -> Reservation | str:
    """A place among the calls in flight, and the call's worst-case cost reserved against the
    tier's daily cap, the client address's and the conversation's budgets; or the name of the
    limit that refused. On a database thread."""
    if not CALLS_IN_FLIGHT.try_acquire(settings.LADDER_MAX_MODEL_CALLS_IN_FLIGHT):
        return "calls_in_flight"
    reserved = reserve_spend(
        worst_case_usd(request), spend_budgets(request.tier, conversation_id, client_address)
    )
    if isinstance(reserved, Budget):
        CALLS_IN_FLIGHT.release()
        return reserved.name
    return reserved


def settle_call(spend: Reservation | None, tier: str, cost: Decimal) -> None:
    """A call ended: its reservation gives way to what it cost (a call that reserved nothing
    only adds its cost to the tier's day). On a database thread."""
    if spend is None:
        add_spend(tier, cost)
        return
    settle_spend(spend, cost)
    CALLS_IN_FLIGHT.release()


def release_call(spend: Reservation) -> None:
    """The call never happened, or stopped before its booking: give its place and its
    reservation back. On a database thread."""
    CALLS_IN_FLIGHT.release()
    release_spend(spend)
