from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "support.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from support.conversations import housekeeping

        from . import assignment, signals
        from .follow_up import offer_follow_ups_chore

        housekeeping.add_chore(offer_follow_ups_chore)
        housekeeping.add_chore(assignment.assign_waiting_chore)
        signals.connect()
        assignment.connect()
