"""Offer email follow-up to customers left waiting while no agent is online (cron, or --every)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from support.inbox.follow_up import offer_email_after_s, offer_follow_ups


class Command(BaseCommand):
    help = (
        "Post the email follow-up offer in conversations waiting longer than "
        "LADDER_OFFER_EMAIL_AFTER_S while no agent is online. Run it from cron, or with "
        "--every to keep checking."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Check again every this many seconds."
        )
        parser.add_argument(
            "--after", type=float, default=None, help="Override LADDER_OFFER_EMAIL_AFTER_S."
        )

    def handle(self, *args: Any, every: float, after: float | None, **options: Any) -> None:
        after_s = offer_email_after_s() if after is None else after
        while True:
            offered = offer_follow_ups(after_s)
            self.stdout.write(f"Offered email follow-up in {offered} conversation(s).")
            if every <= 0:
                return
            time.sleep(every)
