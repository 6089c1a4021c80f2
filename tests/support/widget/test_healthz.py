"""`/healthz` for load balancers: 200 while this process's database and channel layer answer
and a provider is configured; 503 naming the failed check otherwise."""

from __future__ import annotations

import os

import pytest
import redis

from tests.support.inbox.test_two_processes import REDIS_URL, redis_reachable

pytestmark = pytest.mark.django_db(transaction=True)

# The layer the settings choose when REDIS_URL is set.
PUBSUB_LAYER = "channels_redis.pubsub.RedisPubSubChannelLayer"


async def test_healthy_process_answers_200_with_every_check_and_its_pid(async_client):
    response = await async_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["process"] == os.getpid()
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "channel_layer": True,
        "provider": True,
    }


async def test_an_unreachable_channel_layer_makes_it_503_and_says_so(async_client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": PUBSUB_LAYER,
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    response = await async_client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["channel_layer"]["ok"] is False and checks["channel_layer"]["error"]
    assert checks["database"]["ok"] is True


async def test_the_anthropic_provider_without_a_key_is_unhealthy(async_client, settings):
    settings.LADDER_PROVIDER = "anthropic"
    settings.ANTHROPIC_API_KEY = ""
    response = await async_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["provider"] == {
        "ok": False,
        "name": "anthropic",
        "error": "no ANTHROPIC_API_KEY is set",
    }


async def test_checks_through_redis_leave_no_channel_subscribed(async_client, settings):
    if not redis_reachable(REDIS_URL):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": PUBSUB_LAYER, "CONFIG": {"hosts": [REDIS_URL]}}
    }
    client = redis.Redis.from_url(REDIS_URL)
    ours = f"*healthz.{os.getpid()}.*"
    try:
        for _ in range(3):
            response = await async_client.get("/healthz")
            assert response.status_code == 200
            assert response.json()["checks"]["channel_layer"] == {
                "ok": True,
                "backend": "RedisPubSubChannelLayer",
            }
        # Every check subscribed to a channel of its own; none is left subscribed.
        assert client.pubsub_channels(ours) == []
    finally:
        client.close()
