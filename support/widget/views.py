"""The demo store page that carries the widget, and a health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def demo_store(request: HttpRequest) -> HttpResponse:
    return render(request, "widget/demo_store.html")


def healthz(request: HttpRequest) -> JsonResponse:
    from django.conf import settings

    return JsonResponse({"ok": True, "provider": settings.LADDER_PROVIDER})
