"""Admin pages for the analytics summary rows: read-only, since each is computed from the
stored messages and audit events and refreshed from them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from support.conversations.ledger_admin import ReadOnlyAdmin

from .models import AnswerTiming, ConversationFacts, KnowledgeGap, ReplayTurn


class DerivedAdmin(ReadOnlyAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConversationFacts)
class ConversationFactsAdmin(DerivedAdmin):
    list_display = (
        "conversation",
        "created_at",
        "path",
        "reason",
        "ai_resolved",
        "agent_resolved",
        "rating_score",
        "fast_cost_usd",
        "strong_cost_usd",
    )
    list_filter = ("path", "ai_resolved", "agent_resolved", "handed_to_person")
    date_hierarchy = "created_at"
    list_select_related = ("conversation",)


@admin.register(ReplayTurn)
class ReplayTurnAdmin(DerivedAdmin):
    list_display = ("facts", "seq", "created_at", "fast_confidence", "strong_confidence", "outcome")
    list_filter = ("outcome",)
    raw_id_fields = ("facts",)


@admin.register(KnowledgeGap)
class KnowledgeGapAdmin(DerivedAdmin):
    list_display = ("question", "asked_at", "top_score", "missing_knowledge")
    list_filter = ("missing_knowledge",)
    search_fields = ("question",)
    raw_id_fields = ("facts",)


@admin.register(AnswerTiming)
class AnswerTimingAdmin(DerivedAdmin):
    list_display = ("facts", "tier", "created_at", "time_to_first_token_ms")
    list_filter = ("tier",)
    raw_id_fields = ("facts",)
