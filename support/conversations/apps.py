from __future__ import annotations

from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "support.conversations"
    label = "conversations"
    verbose_name = "Conversations"
