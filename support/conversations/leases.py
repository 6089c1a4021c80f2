"""Which process answers a conversation now, kept in Redis when several processes serve.

A process answering a conversation holds its lease: the conversation's id maps to the process,
and the process proves it lives by a heartbeat key that expires soon after it dies. A lease
whose process has no heartbeat is free, so a process that was killed mid-answer leaves
nothing held: another one claims the conversation, closes the cut-off answer and answers
again (see recovery). With one process (no REDIS_URL) the process's own locks suffice and
every claim succeeds at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from functools import cache
from typing import Any

from django.conf import settings

from .streaming import one_process

logger = logging.getLogger("ladder.leases")

ANSWERING_KEY = "ladder:answering"
HEARTBEAT_PREFIX = "ladder:process:"
# A process dead this long no longer holds its conversations.
HEARTBEAT_TTL_S = 10
HEARTBEAT_EVERY_S = 3.0
# How often a claim that found a live holder tries again.
CLAIM_RETRY_S = 0.5

PROCESS_TOKEN = uuid.uuid4().hex

# Claim when free, held by this process, or held by a process without a heartbeat.
_CLAIM = """
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder and holder ~= ARGV[2] and redis.call('EXISTS', ARGV[3] .. holder) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
_RELEASE = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
"""

_heartbeat_started = threading.Lock()
_heartbeat: threading.Thread | None = None


def shared() -> bool:
    """Several processes may serve (a shared Redis channel layer): leases are in Redis."""
    return not one_process()


@cache
def _client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _beat_forever(url: str) -> None:
    client = _client(url)
    while True:
        time.sleep(HEARTBEAT_EVERY_S)
        try:
            client.set(HEARTBEAT_PREFIX + PROCESS_TOKEN, "1", ex=HEARTBEAT_TTL_S)
        except Exception:
            logger.warning("could not renew this process's heartbeat", exc_info=True)


def _ensure_heartbeat(url: str) -> None:
    """Beat from a thread of its own, so a busy event loop does not look like a dead one."""
    global _heartbeat
    with _heartbeat_started:
        if _heartbeat is not None:
            return
        _client(url).set(HEARTBEAT_PREFIX + PROCESS_TOKEN, "1", ex=HEARTBEAT_TTL_S)
        _heartbeat = threading.Thread(
            target=_beat_forever, args=(url,), name="lease-heartbeat", daemon=True
        )
        _heartbeat.start()


def _try_claim(url: str, conversation_id: int) -> bool:
    _ensure_heartbeat(url)
    claimed = _client(url).eval(
        _CLAIM, 1, ANSWERING_KEY, str(conversation_id), PROCESS_TOKEN, HEARTBEAT_PREFIX
    )
    return bool(claimed)


def _release(url: str, conversation_id: int) -> None:
    _client(url).eval(_RELEASE, 1, ANSWERING_KEY, str(conversation_id), PROCESS_TOKEN)


async def claim(conversation_id: int, *, wait: bool = True) -> bool:
    """Take the conversation's lease for this process. With `wait`, until it is free (its
    holder finishes or dies); without, only if it is free now."""
    if not shared():
        return True
    url = settings.REDIS_URL
    while True:
        try:
            claimed = await asyncio.to_thread(_try_claim, url, conversation_id)
        except Exception:
            # Without Redis no process can see another's lease: answer rather than leave
            # the customer waiting (the channel layer needs Redis anyway).
            logger.warning("could not claim conversation %s", conversation_id, exc_info=True)
            return True
        if claimed:
            return True
        if not wait:
            return False
        await asyncio.sleep(CLAIM_RETRY_S)


async def release(conversation_id: int) -> None:
    """Give the lease back, if this process still holds it."""
    if not shared():
        return
    try:
        await asyncio.to_thread(_release, settings.REDIS_URL, conversation_id)
    except Exception:
        # Held by a live process, the lease is this process's to take again; nobody waits
        # for it past this process's death.
        logger.warning("could not release conversation %s", conversation_id, exc_info=True)
