"""The demo store page that carries the widget, and a health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def demo_store(request: HttpRequest) -> HttpResponse:
    return render(request, "widget/demo_store.html")


def healthz(request: HttpRequest) -> JsonResponse:
    from django.conf import settings

    return JsonResponse({"ok": True, "provider": settings.LADDER_PROVIDER})


def widget_texts(request: HttpRequest) -> JsonResponse:
    """The widget's texts in the product language closest to ``?language=`` (the browser's),
    for the moments before its first ``welcome``; public, so any site may read them."""
    from support.conversations.i18n import customer_language, widget_strings

    language = customer_language(request.GET.get("language", "")[:35])
    response = JsonResponse({"language": language, "strings": widget_strings(language)})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
