"""Abuse limits on the public chat socket: message rates and open sockets, per process.

Each Daphne process keeps its own windows; with N processes behind a balancer that pins a
client to one process the limits hold as set, otherwise they loosen by up to N times.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    events: int
    per_seconds: float


class SlidingWindow:
    """At most `limit.events` per `limit.per_seconds` for each key."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._events: dict[str, deque[float]] = defaultdict(deque)

    def retry_after_s(self, key: str, now: float | None = None) -> float:
        """0 when one more event is allowed now (and records it); else seconds to wait."""
        now = time.monotonic() if now is None else now
        events = self._events[key]
        while events and events[0] <= now - self.limit.per_seconds:
            events.popleft()
        if len(events) >= self.limit.events:
            return max(0.001, events[0] + self.limit.per_seconds - now)
        events.append(now)
        return 0.0

    def forget_idle(self) -> None:
        now = time.monotonic()
        for key in [
            k for k, v in self._events.items() if not v or v[-1] <= now - self.limit.per_seconds
        ]:
            del self._events[key]


class SocketCounter:
    """Open sockets per client IP."""

    def __init__(self) -> None:
        self.open: dict[str, int] = defaultdict(int)

    def try_open(self, ip: str, maximum: int) -> bool:
        if self.open[ip] >= maximum:
            return False
        self.open[ip] += 1
        return True

    def close(self, ip: str) -> None:
        self.open[ip] -= 1
        if self.open[ip] <= 0:
            del self.open[ip]


def retry_seconds(wait_s: float) -> int:
    return max(1, math.ceil(wait_s))
