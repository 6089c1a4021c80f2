"""`manage.py load_demo_canned_replies`: the demo store's ten canned replies (kept if edited)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from support.inbox.demo_canned_replies import DEMO_CANNED_REPLIES
from support.inbox.models import CannedReply


class Command(BaseCommand):
    help = "Load the demo store's canned replies; replies already there (by title) are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for title, body in DEMO_CANNED_REPLIES:
            created += CannedReply.objects.get_or_create(title=title, defaults={"body": body})[1]
        self.stdout.write(
            f"Demo canned replies: {created} created, {len(DEMO_CANNED_REPLIES) - created} kept."
        )
