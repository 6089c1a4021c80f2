"""The demo store page that carries the widget, and the health check for load balancers."""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

# A check that takes longer than this counts as failed: a load balancer's probe must not hang.
HEALTH_CHECK_TIMEOUT_S = 2.0


def demo_store(request: HttpRequest) -> HttpResponse:
    return render(request, "widget/demo_store.html")


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


async def _check_database() -> dict[str, Any]:
    await database_sync_to_async(_database_answers)()
    return {"ok": True, "vendor": connection.vendor}


async def _check_channel_layer() -> dict[str, Any]:
    """A message to this process's own channel and back, through the configured layer."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured")
    # The process id in the name tells this process's checks from other processes' (the
    # publish/subscribe layer's channels are visible to every client of the Redis server).
    channel = await layer.new_channel(f"healthz.{os.getpid()}.")
    try:
        await layer.send(channel, {"type": "healthz"})
        message = await layer.receive(channel)
    finally:
        await _forget_channel(layer, channel)
    if message.get("type") != "healthz":
        raise RuntimeError(f"the layer returned {message!r}")
    return {"ok": True, "backend": type(layer).__name__}


async def _forget_channel(layer: Any, channel: str) -> None:
    """Channels has no call that deletes a channel: a layer lets one go when a read of it is
    cancelled, as when a consumer stops. The publish/subscribe layer would otherwise stay
    subscribed to every check's channel for as long as the process runs."""
    reading = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)  # the read starts waiting
    reading.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reading


def _check_provider() -> dict[str, Any]:
    """Configured, not called: a model outage hits every process alike, so it must not take
    this one out of the load balancer (answers go to people meanwhile)."""
    if settings.LADDER_PROVIDER == "local":
        return {"ok": True, "name": "local"}
    configured = bool(settings.ANTHROPIC_API_KEY)
    check: dict[str, Any] = {"ok": configured, "name": settings.LADDER_PROVIDER}
    if not configured:
        check["error"] = "no ANTHROPIC_API_KEY is set"
    return check


async def _timed(check: Any) -> dict[str, Any]:
    try:
        async with asyncio.timeout(HEALTH_CHECK_TIMEOUT_S):
            return await check()
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {HEALTH_CHECK_TIMEOUT_S:g} s"}
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


async def healthz(request: HttpRequest) -> JsonResponse:
    """200 when this process can serve customers (its database and channel layer answer and a
    provider is configured), 503 otherwise; the body says which check failed."""
    checks = {
        "database": await _timed(_check_database),
        "channel_layer": await _timed(_check_channel_layer),
        "provider": _check_provider(),
    }
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {
            "ok": ok,
            "provider": settings.LADDER_PROVIDER,
            "process": os.getpid(),
            "checks": checks,
        },
        status=200 if ok else 503,
    )


def widget_texts(request: HttpRequest) -> JsonResponse:
    """The widget's texts in the product language closest to ``?language=`` (the browser's),
    for the moments before its first ``welcome``; public, so any site may read them."""
    from support.conversations.i18n import customer_language, widget_strings

    language = customer_language(request.GET.get("language", "")[:35])
    response = JsonResponse({"language": language, "strings": widget_strings(language)})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
