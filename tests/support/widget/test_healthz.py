"""`/healthz` for load balancers: 200 while this process's database and channel layer answer
and a provider is configured; 503 naming the failed check otherwise."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


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
            "BACKEND": "channels_redis.core.RedisChannelLayer",
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
