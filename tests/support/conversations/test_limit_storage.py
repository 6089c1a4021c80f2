"""The in-process store of the rate limits: it sweeps expired counters out at most once a
second, not after every hit, and an expired counter still reads as spent."""

from __future__ import annotations

import asyncio

from limits import RateLimitItemPerSecond
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from support.conversations.limits import SweptMemoryStorage


async def test_hits_within_a_second_start_one_sweep():
    storage = SweptMemoryStorage()
    await storage.incr("a", expiry=60)
    first = storage.timer
    assert first is not None
    await asyncio.sleep(0.01)
    assert first.done()
    for n in range(100):
        await storage.incr(f"key-{n}", expiry=60)
    assert storage.timer is first


async def test_an_expired_counter_reads_as_spent_before_any_sweep():
    storage = SweptMemoryStorage()
    await storage.incr("a", expiry=0.05)
    await storage.incr("a", expiry=0.05)
    assert await storage.get("a") == 2
    await asyncio.sleep(0.1)
    assert await storage.get("a") == 0


async def test_the_next_sweep_after_the_interval_frees_expired_counters():
    storage = SweptMemoryStorage()
    storage.SWEEP_INTERVAL_S = 0.05
    await storage.incr("old", expiry=0.02)
    await asyncio.sleep(0.1)
    await storage.incr("new", expiry=60)
    await asyncio.sleep(0.01)
    assert "old" not in storage.storage
    assert storage.storage["new"] == 1


async def test_a_limit_refuses_past_its_rate_and_allows_again_later():
    limiter = SlidingWindowCounterRateLimiter(SweptMemoryStorage())
    rate = RateLimitItemPerSecond(3, 1)
    assert [await limiter.hit(rate, "client") for _ in range(4)] == [True, True, True, False]
    await asyncio.sleep(2.1)
    assert await limiter.hit(rate, "client")
