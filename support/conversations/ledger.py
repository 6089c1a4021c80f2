"""The spend ledger of model calls: daily spend per tier and the smaller budgets (per client
address, per conversation) with reservations, and the calls in flight. (billing.py decides what
a call reserves and books; the answer cache and the breakers' mirror have modules of their own.)"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .ledger_models import DailySpend, SpendBudget
from .rows import add_to_columns
from .statements import budget_has_room, day_spend_usd, reserve_within_cap


def spent_today_usd(tier: str) -> Decimal:
    # A plain statement: it runs before every model call, and compiling the ORM query cost
    # more than running it.
    return day_spend_usd(timezone.now().date(), tier) or Decimal(0)


def add_spend(tier: str, cost: Decimal) -> None:
    # A plain statement: it runs after every model call, and compiling the ORM's update with
    # its F() expressions cost more than running it.
    day = timezone.now().date()
    if add_to_columns(DailySpend, {"day": day, "tier": tier}, cost_usd=cost, calls=1):
        return
    try:
        with transaction.atomic():
            DailySpend.objects.create(day=day, tier=tier, cost_usd=cost, calls=1)
    except IntegrityError:
        add_to_columns(DailySpend, {"day": day, "tier": tier}, cost_usd=cost, calls=1)


# Reservations: a call's worst-case cost is reserved against every budget it counts against
# before the call, in one transaction and with a conditional UPDATE per budget (so concurrent
# calls, in any process, can never together pass a cap), and settled to the real cost after.


@dataclass(frozen=True)
class Budget:
    """One budget a call counts against. `name` is what a refusal is audited as."""

    name: str
    model: type[Any]
    # The budget's row: its fields' values.
    lookup: dict[str, Any]
    cap_usd: Decimal


def tier_budget(tier: str, cap_usd: Decimal) -> Budget:
    day = timezone.now().date()
    return Budget("spend_cap", DailySpend, {"day": day, "tier": tier}, cap_usd)


def address_budget(address: str, cap_usd: Decimal) -> Budget:
    key = f"address:{address}:{timezone.now().date().isoformat()}"
    return Budget("address_budget", SpendBudget, {"key": key}, cap_usd)


def conversation_budget(conversation_id: int, cap_usd: Decimal) -> Budget:
    key = f"conversation:{conversation_id}"
    return Budget("conversation_budget", SpendBudget, {"key": key}, cap_usd)


@dataclass
class Reservation:
    worst_usd: Decimal
    budgets: tuple[Budget, ...]


def reserve_spend(worst_usd: Decimal, budgets: list[Budget]) -> Reservation | Budget:
    """Reserve `worst_usd` against every budget, or against none: the first of `budgets`
    without room.

    `budgets` come most shared first (the tier's day, which every call updates). They are
    written in the opposite order, as settling and releasing write them too, so the most shared
    row is locked by the transaction's last update and held only until its commit; one order
    for every writer also means two of them never wait on each other's rows in a circle.

    Inside a caller's transaction it adds no savepoint of its own: a refusal rolls back the
    caller's whole transaction, as nothing may be reserved then."""
    with transaction.atomic(savepoint=False):
        for index in reversed(range(len(budgets))):
            budget = budgets[index]
            if reserve_within_cap(budget.model, budget.lookup, worst_usd, budget.cap_usd):
                continue
            if not budget.model.objects.filter(**budget.lookup).exists():
                try:
                    with transaction.atomic():
                        budget.model.objects.create(**budget.lookup)
                except IntegrityError:
                    pass  # another call made the row first
                if reserve_within_cap(budget.model, budget.lookup, worst_usd, budget.cap_usd):
                    continue
            # The refusal names the first budget without room, as if written in order.
            refused = next(
                (
                    earlier
                    for earlier in budgets[:index]
                    if not budget_has_room(
                        earlier.model, earlier.lookup, worst_usd, earlier.cap_usd
                    )
                ),
                budget,
            )
            transaction.set_rollback(True)
            return refused
    return Reservation(worst_usd, tuple(budgets))


def settle_spend(reservation: Reservation, cost: Decimal) -> None:
    """The call ended: its reservation gives way to what it really cost (no savepoint of its
    own inside a caller's transaction: its updates cannot be refused). In reserve_spend's
    order, the most shared row last."""
    with transaction.atomic(savepoint=False):
        for budget in reversed(reservation.budgets):
            add_to_columns(
                budget.model,
                budget.lookup,
                reserved_usd=-reservation.worst_usd,
                cost_usd=cost,
                calls=1,
            )


def release_spend(reservation: Reservation) -> None:
    """The call never happened (or its booking failed): give the reservation back (in
    reserve_spend's order)."""
    with transaction.atomic(savepoint=False):
        for budget in reversed(reservation.budgets):
            add_to_columns(budget.model, budget.lookup, reserved_usd=-reservation.worst_usd)


class CallsInFlight:
    """Model calls under way in this process, capped (settled from database threads too)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def try_acquire(self, maximum: int) -> bool:
        with self._lock:
            if maximum and self.count >= maximum:
                return False
            self.count += 1
            return True

    def release(self) -> None:
        with self._lock:
            self.count = max(0, self.count - 1)


CALLS_IN_FLIGHT = CallsInFlight()
