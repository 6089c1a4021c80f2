"""`manage.py verify_audit`: check every conversation's keyed audit chain and messages, and that
no conversation is missing from the site-wide ledger; non-zero on a break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from support.conversations.audit import verify_chain, verify_ledger
from support.conversations.models import AuditEvent, AuditLedger, Conversation, Message
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
            claim = read_token(wanted)
            public_id = claim.public_id if claim else wanted
            try:
                conversations = conversations.filter(public_id=public_id)
                found = conversations.exists()
            except Exception:
                found = False
            if not found:
                raise CommandError(f"No conversation {wanted!r}: give a public id or a token.")
        total = conversations.count()
        problems: list[object] = []
        checked_events = checked_messages = 0
        for number, conversation in enumerate(conversations.iterator(chunk_size=500), 1):
            events = list(
                AuditEvent.objects.filter(conversation=conversation).order_by("index", "pk")
            )
            messages = list(Message.objects.filter(conversation=conversation).order_by("seq"))
            checked_events += len(events)
            checked_messages += len(messages)
            problems.extend(verify_chain(conversation, events, messages))
            if total > 1000 and number % 1000 == 0:
                self.stderr.write(f"… {number}/{total} conversations checked")
        ledger_note = ""
        if not options["conversation"]:
            # The whole site: no conversation may be missing from the ledger.
            serials = Conversation.objects.values_list("audit_serial", flat=True)
            problems.extend(f"site: {p}" for p in verify_ledger(serials.iterator()))
            ledger = AuditLedger.objects.filter(pk=1).first()
            ledger_note = f"; ledger: {ledger.conversations if ledger else 0} begun"
        for problem in problems:
            self.stdout.write(self.style.ERROR(f"BROKEN {problem}"))
        summary = (
            f"{total} conversations, {checked_events} events, {checked_messages} messages checked"
            f"{ledger_note}"
        )
        if problems:
            raise CommandError(f"Audit trail broken: {len(problems)} problem(s); {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {summary}."))
