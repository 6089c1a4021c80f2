"""Abuse limits on the public chat socket: frame and message rates, new conversations per
address, and open sockets; and the client address they are keyed by.

Rates are counted by the `limits` library: in this process's memory by default, in Redis when
REDIS_URL is set, so every Daphne process behind the balancer counts against one limit. Open
sockets stay a count per process: a socket belongs to the process that holds it, and a count
in Redis would leak the places of a process that died.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

KEY_PREFIX = "ladder-limits"

type IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# Client addresses


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Trusted proxies as the setting lists them: addresses or CIDR ranges."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(
    peer: str, forwarded_for: str, *, trust_forwarded: bool, trusted_proxies: Iterable[IPNetwork]
) -> str:
    """The address of the client behind our proxies.

    X-Forwarded-For is read only when forwarding is trusted, and from the right: each proxy
    appends the address it was reached from, so the right-most entries are written by our own
    proxies and everything left of the first address that is not one of them was written by
    the client (and may be forged). With trusted proxies configured, a peer that is not one of
    them sent the header itself and it is ignored.
    """
    proxies = tuple(trusted_proxies)
    peer_address = _address(peer)
    if not trust_forwarded or not forwarded_for:
        return str(peer_address or peer)
    if proxies and not (peer_address is not None and _in(peer_address, proxies)):
        return str(peer_address or peer)
    client = str(peer_address or peer)
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:
            break  # not an address: written by the client, so the last hop is all we know
        client = str(address)
        if not _in(address, proxies):
            break
    return client


def _in(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[IPNetwork]):
    return any(address.version == network.version and address in network for network in networks)


def limit_key(address: str) -> str:
    """What limits count by: an IPv4 address, or the /64 an IPv6 address belongs to (one
    subscriber is routinely given a whole /64 and may rotate through it freely)."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed or address)


# Rates


@dataclass(frozen=True)
class Rate:
    """One limit: `name` says what it counts (for the refusal and the audit trail)."""

    name: str
    item: RateLimitItem


def per_minute(name: str, amount: int) -> Rate:
    return Rate(name, RateLimitItemPerMinute(amount, namespace=name))


def per_hour(name: str, amount: int) -> Rate:
    return Rate(name, RateLimitItemPerHour(amount, namespace=name))


# Frame types that change the conversation (counted together besides every frame).
ACTION_FRAMES = frozenset({"handoff", "solved", "rating", "email"})


def frame_rates(frame_type: str) -> list[tuple[Rate, str]]:
    """The limits a frame of this type counts against: (rate, "socket" or "address")."""
    rates = [
        (per_minute("frames", settings.LADDER_FRAMES_PER_MINUTE_PER_SOCKET), "socket"),
        (per_minute("frames", settings.LADDER_FRAMES_PER_MINUTE_PER_IP), "address"),
    ]
    if frame_type == "typing":
        rates.append(
            (per_minute("typing", settings.LADDER_TYPING_FRAMES_PER_MINUTE_PER_SOCKET), "socket")
        )
    if frame_type in ACTION_FRAMES:
        rates += [
            (per_minute("actions", settings.LADDER_ACTIONS_PER_MINUTE_PER_SOCKET), "socket"),
            (per_minute("actions", settings.LADDER_ACTIONS_PER_MINUTE_PER_IP), "address"),
        ]
    return rates


class Limiter:
    """Sliding-window counters in the configured storage, one storage per event loop (a
    storage's connections and locks belong to the loop that made them)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._limiter: SlidingWindowCounterRateLimiter | None = None

    def _strategy(self) -> SlidingWindowCounterRateLimiter:
        loop = asyncio.get_running_loop()
        if self._limiter is None or self._loop is not loop:
            self._loop = loop
            self._limiter = SlidingWindowCounterRateLimiter(make_storage())
        return self._limiter

    async def retry_after_s(self, rate: Rate, *identifiers: str) -> int:
        """0 when one more event is allowed now (and counts it); else whole seconds to wait."""
        limiter = self._strategy()
        if await limiter.hit(rate.item, *identifiers):
            return 0
        stats = await limiter.get_window_stats(rate.item, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def forget(self) -> None:
        """Drop this process's counters (tests); see `reset_shared_counters` for Redis."""
        self._loop = None
        self._limiter = None


class SweptMemoryStorage(MemoryStorage):
    """`limits`' in-memory storage, sweeping out expired counters at most once a second.

    The library starts a sweep of every counter after each hit whose previous sweep ended,
    which under load is a walk of all of them per frame (a few per cent of the process's time).
    The sweep only frees memory: reading a counter drops it when expired, so a later sweep
    changes no limit's answer."""

    SWEEP_INTERVAL_S = 1.0

    def __init__(self) -> None:
        self._next_sweep = 0.0  # before the library's __init__, which schedules a sweep
        super().__init__()

    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.SWEEP_INTERVAL_S
        await super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]


def make_storage() -> MemoryStorage | RedisStorage:
    if settings.REDIS_URL:
        return RedisStorage(
            "async+" + settings.REDIS_URL, implementation="redispy", key_prefix=KEY_PREFIX
        )
    return SweptMemoryStorage()


def reset_shared_counters() -> None:
    """Delete every counter kept in Redis (tests start from none)."""
    if settings.REDIS_URL:
        from limits.storage import RedisStorage as SyncRedisStorage

        SyncRedisStorage(settings.REDIS_URL, key_prefix=KEY_PREFIX).reset()


LIMITER = Limiter()


class SocketCounter:
    """Open sockets per client address, in this process."""

    def __init__(self) -> None:
        self.open: dict[str, int] = defaultdict(int)

    def try_open(self, key: str, maximum: int) -> bool:
        if self.open[key] >= maximum:
            return False
        self.open[key] += 1
        return True

    def close(self, key: str) -> None:
        self.open[key] -= 1
        if self.open[key] <= 0:
            del self.open[key]
