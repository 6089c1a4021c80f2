from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "support.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from . import signals

        signals.connect()
