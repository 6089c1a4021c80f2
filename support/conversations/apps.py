from __future__ import annotations

from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "support.conversations"
    label = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        from django.conf import settings

        if settings.LADDER_PROVIDER == "anthropic":
            # Import the SDK at start-up, not on the first customer's answer (1-2 s).
            import routing.providers.anthropic  # noqa: F401
