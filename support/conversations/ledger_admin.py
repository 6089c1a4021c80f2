"""Admin pages for the ledger: circuit breakers, daily spend, the answer cache."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .ledger_models import CachedAnswer, DailySpend, ProviderCircuit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProviderCircuit)
class ProviderCircuitAdmin(ReadOnlyAdmin):
    list_display = (
        "model",
        "state",
        "consecutive_failures",
        "last_error",
        "opened_until",
        "updated_at",
    )


@admin.register(DailySpend)
class DailySpendAdmin(ReadOnlyAdmin):
    list_display = ("day", "tier", "cost_usd", "calls")
    list_filter = ("tier",)
    date_hierarchy = "day"


@admin.register(CachedAnswer)
class CachedAnswerAdmin(ReadOnlyAdmin):
    """Cached answers may be deleted here to force fresh ones."""

    list_display = ("question", "provider", "tier", "model", "hits", "created_at")
    list_filter = ("provider", "tier")
    search_fields = ("question", "text")
