"""Admin pages of the inbox: canned replies (and who is online, read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AgentPresence, CannedReply


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
