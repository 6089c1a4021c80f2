"""A circuit breaker per model: after repeated failures, stop calling it for a cool-down."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Breaker:
    failure_limit: int
    cooldown_s: float
    consecutive_failures: int = 0
    open_until: float = 0.0

    def allows_call(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        # After the cool-down one call goes through ("half open"); its result decides.
        return now >= self.open_until

    def record_success(self) -> bool:
        """Returns True when this closes an open breaker."""
        was_open = self.open_until > 0
        self.consecutive_failures = 0
        self.open_until = 0.0
        return was_open

    def record_failure(self, now: float | None = None) -> bool:
        """Returns True when this failure opens the breaker."""
        now = time.monotonic() if now is None else now
        self.consecutive_failures += 1
        if self.consecutive_failures >= self.failure_limit:
            self.open_until = now + self.cooldown_s
            return True
        return False


_breakers: dict[str, Breaker] = {}


def breaker_for(model: str, failure_limit: int, cooldown_s: float) -> Breaker:
    breaker = _breakers.get(model)
    if breaker is None or (breaker.failure_limit, breaker.cooldown_s) != (
        failure_limit,
        cooldown_s,
    ):
        breaker = _breakers[model] = Breaker(failure_limit, cooldown_s)
    return breaker


def reset_all() -> None:
    _breakers.clear()
