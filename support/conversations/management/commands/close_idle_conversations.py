"""`manage.py close_idle_conversations`: resolve AI conversations the customer has left."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from support.conversations.idle_close import (
    close_idle_conversations,
    idle_close_minutes,
    idle_conversation_ids,
)

MAX_IDLE_MINUTES = 60 * 24 * 365


def idle_minutes_argument(text: str) -> int:
    try:
        minutes = int(text)
    except ValueError:
        raise CommandError(f"--idle-minutes must be a whole number, not {text!r}.") from None
    if not 1 <= minutes <= MAX_IDLE_MINUTES:
        raise CommandError(
            f"--idle-minutes must be between 1 and {MAX_IDLE_MINUTES:,}; got {minutes:,}."
        )
    return minutes


class Command(BaseCommand):
    help = (
        "Resolve conversations only the AI has answered once the customer has written nothing "
        "for LADDER_AI_IDLE_CLOSE_MINUTES (or --idle-minutes): the customer's last question "
        "has an answer and no answer is streaming. The system resolves them (audited with the "
        "reason closed_idle) and an open widget asks the customer for a rating. The server "
        "processes also do this every 30 seconds; run this from cron when no chat is open."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--idle-minutes",
            type=idle_minutes_argument,
            default=None,
            help="Minutes of silence before closing (default: LADDER_AI_IDLE_CLOSE_MINUTES).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be closed; change nothing."
        )

    def handle(self, *args: Any, idle_minutes: int | None, dry_run: bool, **options: Any) -> None:
        if idle_minutes is None:
            idle_minutes = idle_close_minutes()
            if idle_minutes < 0:
                raise CommandError("LADDER_AI_IDLE_CLOSE_MINUTES must be 0 (off) or more.")
            if idle_minutes == 0:
                self.stdout.write(
                    "Closing idle conversations is off (LADDER_AI_IDLE_CLOSE_MINUTES=0); "
                    "pass --idle-minutes to close them now. Nothing closed."
                )
                return
        if dry_run:
            count = len(idle_conversation_ids(idle_minutes))
            self.stdout.write(
                f"Would close {count} conversation(s) idle for {idle_minutes} minute(s) or more "
                "(dry run: nothing changed)."
            )
            return

        def progress(number: int, total: int) -> None:
            if number % 500 == 0 or (number == total and total >= 500):
                self.stdout.write(f"… {number:,}/{total:,}")

        closed = close_idle_conversations(idle_minutes, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Closed {closed} conversation(s) idle for {idle_minutes} minute(s) or more."
            )
        )
