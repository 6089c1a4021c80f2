"""The circuit breaker of each model (routing.circuit keeps the counts in this process): what a
call's result does to it, mirrored for the admin, and the event when it opens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from routing.circuit import Breaker, breaker_for
from routing.providers import ProviderError

from .ledger_models import ProviderCircuit


def breaker(model: str) -> Breaker:
    return breaker_for(model, settings.LADDER_CIRCUIT_FAILURES, settings.LADDER_CIRCUIT_COOLDOWN_S)


def record_call_health(model: str, error: ProviderError | None) -> dict[str, Any] | None:
    """Tell the model's breaker how its call went (on a database thread: the admin's mirror is
    written when the breaker opens or closes); the `circuit.opened` data if this opened it."""
    model_breaker = breaker(model)
    if error is None:
        if model_breaker.record_success():
            mirror_circuit(model, state="closed", failures=0, error="", open_for_s=0)
        return None
    if not model_breaker.record_failure():
        return None
    mirror_circuit(
        model,
        state="open",
        failures=model_breaker.consecutive_failures,
        error=f"{error.kind}: {error.detail}",
        open_for_s=model_breaker.cooldown_s,
    )
    return {"model": model, "failures": model_breaker.consecutive_failures, "error": error.kind}


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
