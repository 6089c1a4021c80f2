"""`manage.py recover_conversations`: on start-up, close answers cut off by a stopped process
and answer (or hand to people) every customer message left without one."""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from support.conversations import answer_tasks, recovery


class Command(BaseCommand):
    help = "Close answers cut off by a stopped process and answer customers left waiting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=0,
            help="Only streams idle this many seconds (0, the default, suits one process).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["older_than"] < 0:
            self.stderr.write("--older-than must be 0 or more")
            raise SystemExit(2)
        closed = recovery.close_dead_streams(older_than_s=options["older_than"])
        owed = recovery.conversations_owed_an_answer()
        if owed:
            asyncio.run(self._answer(owed))
        self.stdout.write(
            f"Recovery: {closed} interrupted answer(s) closed, "
            f"{len(owed)} customer message(s) answered."
        )

    async def _answer(self, owed: list[tuple[int, int]]) -> None:
        for number, (conversation_id, seq) in enumerate(owed, 1):
            await answer_tasks.answer_customer_message(conversation_id, seq, 0.0)
            if number % 50 == 0:
                self.stdout.write(f"… {number}/{len(owed)}")
