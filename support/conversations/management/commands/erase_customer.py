"""`manage.py erase_customer EMAIL_OR_TOKEN`: erase a customer's messages and personal data,
leaving a redaction event so the audit trail still verifies."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from support.conversations.erasure import do_erase_conversation
from support.conversations.models import Conversation
from support.conversations.tokens import read_token


class Command(BaseCommand):
    help = (
        "Erase a customer's messages (by email or conversation token); "
        "the audit chain stays verifiable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("who", help="The customer's email address or a conversation token.")
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be erased.")

    def handle(self, *args: Any, **options: Any) -> None:
        who: str = options["who"].strip()
        if "@" in who:
            try:
                validate_email(who)
            except ValidationError:
                raise CommandError(f"{who!r} is not a valid email address.") from None
            conversations = Conversation.objects.filter(customer_email__iexact=who)
        else:
            # However old the token, or revoked: the customer may ask long after they chatted.
            claim = read_token(who)
            if claim is None:
                raise CommandError(
                    "Give the customer's email address or a conversation token "
                    "(the token is signed; this one is not valid)."
                )
            conversations = Conversation.objects.filter(public_id=claim.public_id)
        ids = list(conversations.values_list("pk", flat=True))
        if not ids:
            raise CommandError(f"No conversation found for {who!r}; nothing was erased.")
        if options["dry_run"]:
            self.stdout.write(f"Would erase {len(ids)} conversation(s).")
            return
        messages = events = 0
        for conversation_id in ids:
            erased = do_erase_conversation(conversation_id, actor="admin", why="customer_request")
            messages += erased["messages"]
            events += erased["events"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {messages} message(s) and personal data in {events} audit event(s) "
                f"across {len(ids)} conversation(s)."
            )
        )
