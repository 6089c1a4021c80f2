"""Escalation analytics (placeholder until the analytics issue lands)."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@staff_member_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "placeholder.html", {"title": "Analytics", "what": "escalation analytics"}
    )
