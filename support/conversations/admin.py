"""Admin pages: conversations with their messages, and the read-only audit trail."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from . import ledger_admin  # noqa: F401 (registers the ledger's admin pages)
from .models import AgentCapacity, AuditEvent, AuditLedger, Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("seq", "role", "author", "text", "state", "tier", "model", "cost_usd", "confidence")
    readonly_fields = fields
    ordering = ("seq",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("public_id", "status", "tier", "handoff_reason", "assigned_agent", "created_at")
    list_filter = ("status", "tier", "handoff_reason", "created_at")
    search_fields = ("public_id", "customer_email", "customer_name", "messages__text")
    readonly_fields = (
        "public_id",
        "last_seq",
        "audit_count",
        "audit_head_hash",
        "created_at",
        "updated_at",
        "waiting_since",
        "resolved_at",
        "status",
        "tier",
        "handoff_reason",
        "assigned_agent",
        "rating_score",
        "rating_comment",
        "rated_at",
    )
    inlines = [MessageInline]
    date_hierarchy = "created_at"
    list_per_page = 50


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "conversation",
        "seq",
        "role",
        "state",
        "tier",
        "model",
        "cost_usd",
        "created_at",
    )
    list_filter = ("role", "state", "tier", "model")
    search_fields = ("text", "client_id", "conversation__public_id")
    list_select_related = ("conversation",)
    list_per_page = 100

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.action(description="Export selected events as JSON lines")
def export_jsonl(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[AuditEvent]
) -> HttpResponse:
    lines = (
        json.dumps(
            {
                "conversation": str(e.conversation.public_id),
                "index": e.index,
                "kind": e.kind,
                "actor": e.actor,
                "data": e.data,
                "created_at": e.created_at,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            },
            cls=DjangoJSONEncoder,
        )
        for e in queryset.select_related("conversation").order_by("conversation", "index")
    )
    response = HttpResponse("\n".join(lines) + "\n", content_type="application/x-ndjson")
    response["Content-Disposition"] = 'attachment; filename="audit-events.jsonl"'
    return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only and verified by `manage.py verify_audit`."""

    list_display = ("conversation", "index", "kind", "actor", "created_at")
    list_filter = ("kind", "created_at")
    search_fields = ("conversation__public_id", "actor", "kind")
    list_select_related = ("conversation",)
    actions = [export_jsonl]
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditLedger)
class AuditLedgerAdmin(admin.ModelAdmin):
    """Read-only: how many conversations were ever begun, as `verify_audit` checks it."""

    list_display = ("conversations", "seal")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgentCapacity)
class AgentCapacityAdmin(admin.ModelAdmin):
    """Each agent's capacity for automatic assignment (LADDER_AUTO_ASSIGN), where it differs
    from LADDER_AGENT_CAPACITY."""

    list_display = ("agent", "capacity", "last_assigned_at")
    fields = ("agent", "capacity", "last_assigned_at")
    readonly_fields = ("last_assigned_at",)
    autocomplete_fields = ("agent",)
