"""`manage.py verify_audit`: check every conversation's audit hash chain; non-zero on a break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from support.conversations.audit import verify_chain
from support.conversations.models import AuditEvent, Conversation
from support.conversations.tokens import read_token


class Command(BaseCommand):
    help = "Verify the audit trail: report any edited, deleted or reordered event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--conversation",
            help="Only this conversation (its public id or a conversation token).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        conversations = Conversation.objects.order_by("pk")
        if options["conversation"]:
            wanted = options["conversation"]
            public_id = read_token(wanted) or wanted
            try:
                conversations = conversations.filter(public_id=public_id)
                found = conversations.exists()
            except Exception:
                found = False
            if not found:
                raise CommandError(f"No conversation {wanted!r}: give a public id or a token.")
        total = conversations.count()
        problems = []
        checked_events = 0
        for number, conversation in enumerate(conversations.iterator(chunk_size=500), 1):
            events = AuditEvent.objects.filter(conversation=conversation).order_by("index", "pk")
            chain = list(events)
            checked_events += len(chain)
            problems.extend(verify_chain(conversation, chain))
            if total > 1000 and number % 1000 == 0:
                self.stderr.write(f"… {number}/{total} conversations checked")
        for problem in problems:
            self.stdout.write(self.style.ERROR(f"BROKEN {problem}"))
        summary = f"{total} conversations, {checked_events} events checked"
        if problems:
            raise CommandError(f"Audit trail broken: {len(problems)} problem(s); {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {summary}."))
