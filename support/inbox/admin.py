"""Admin pages of the inbox: canned replies (and, read-only, who is online and what each agent
has read)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from support.conversations.ledger_admin import ReadOnlyAdmin

from .models import AgentPresence, CannedReply, ReadMark


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "updated_at")
    search_fields = ("title", "body")


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ("agent", "open_sockets", "last_seen_at")
    readonly_fields = ("agent", "open_sockets", "last_seen_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReadMark)
class ReadMarkAdmin(ReadOnlyAdmin):
    list_display = ("agent", "conversation", "last_read_seq")
    list_select_related = ("agent", "conversation")
    raw_id_fields = ("conversation",)
