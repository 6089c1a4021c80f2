"""`manage.py apply_retention`: erase conversations older than LADDER_RETENTION_DAYS, and
again those a customer wrote to after an earlier erasure once that, too, is that old."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F, Q
from django.utils import timezone

from support.conversations.erasure import do_erase_conversation
from support.conversations.models import Conversation


class Command(BaseCommand):
    help = "Erase the messages of conversations older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="Override LADDER_RETENTION_DAYS.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.LADDER_RETENTION_DAYS
        if days < 0:
            raise CommandError("--days must be 0 (keep forever) or more.")
        if days == 0:
            self.stdout.write("Retention is off (0 days): nothing erased.")
            return
        cutoff = timezone.now() - timedelta(days=days)
        # Never erased, or written to since the last erasure (a customer who came back);
        # one erased and left alone since is not erased again on every run.
        ids = list(
            Conversation.objects.filter(updated_at__lt=cutoff)
            .filter(Q(erased_at__isnull=True) | Q(updated_at__gt=F("erased_at")))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for number, conversation_id in enumerate(ids, 1):
            do_erase_conversation(conversation_id, actor="system", why=f"retention_{days}_days")
            if number % 500 == 0:
                self.stdout.write(f"… {number}/{len(ids)}")
        self.stdout.write(
            f"Erased {len(ids)} conversation(s) last active before {cutoff:%Y-%m-%d}."
        )
