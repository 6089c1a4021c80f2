"""One answer's state while it runs: what it answers, the audit events it has queued, the seq
it reserved for its text, and the spend its model call holds."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

from routing.configured import thresholds
from routing.providers import ProviderRequest

from . import actions, billing
from .dbthreads import after_stream, in_conversation
from .ledger import Reservation
from .models import Conversation, Message
from .rows import update_row


class TakenOver(Exception):
    """People took the conversation while the AI was preparing an answer: the AI stops."""


@dataclass(frozen=True)
class ReadyCall:
    """A model call reserved while the answer was prepared: its request, and the name of the
    limit that refused its spend (then nothing is reserved), or None."""

    request: ProviderRequest
    refused: str | None


class AnswerRun:
    """One answer to one customer message, from the rules to the stored reply."""

    def __init__(
        self, conversation_id: int, customer_seq: int, acked_at: float, client_address: str = ""
    ) -> None:
        self.conversation_id = conversation_id
        self.customer_seq = customer_seq
        # When the customer's message was acked (perf_counter): first frames are timed from it.
        self.acked_at = acked_at
        # Whose spend budget the answer's calls use (the address as limits count it).
        self.client_address = client_address
        self.thresholds = thresholds()
        self.layer = get_channel_layer()
        # The conversation's channel group, known once the context is loaded.
        self.group = ""
        # The system prompts with the help centre, read while preparing when a model may answer.
        self.prompts: Any = None
        # The seq the answer's text takes, reserved right before a model is called.
        self.reserved: Message | None = None
        # The worst-case cost reserved for the call under way, until it is settled.
        self.spend: Reservation | None = None
        self.pending_audit: list[actions.AuditEntry] = []
        # The `circuit.opened` event data of the last call's booking, if it opened one.
        self.circuit_opened: dict[str, Any] | None = None
        # Why a tier may not be called, checked while preparing for the first tier.
        self.blocked_tiers: dict[str, str | None] = {}
        # The first tier's call, reserved while preparing when nothing stood in between.
        self.ready_call: ReadyCall | None = None
        # The language the customer now writes in, when it changed: stored with the
        # reservation made while preparing (one write fewer), else by `store_language_now`.
        self.pending_language = ""

    def ms_since_ack(self) -> int:
        return int((time.perf_counter() - self.acked_at) * 1000)

    def note(self, kind: str, actor: str, data: dict[str, Any]) -> None:
        """Queue an audit event; it is written with the answer's next write (one transaction),
        or by `flush_audit` when the answer ends."""
        self.pending_audit.append(self.entry(kind, actor, data))

    def entry(self, kind: str, actor: str, data: dict[str, Any]) -> actions.AuditEntry:
        return (kind, actor, {"seq": self.customer_seq, **data})

    def take_audit(self) -> list[actions.AuditEntry]:
        entries, self.pending_audit = self.pending_audit, []
        return entries

    async def flush_audit(self) -> None:
        entries = self.take_audit()
        if entries:
            await after_stream(actions.do_record_audits)(self.conversation_id, entries)

    def take_circuit_note(self) -> list[actions.AuditEntry]:
        """The `circuit.opened` event this call's booking caused, if it did."""
        opened, self.circuit_opened = self.circuit_opened, None
        return [] if opened is None else [self.entry("circuit.opened", "system", opened)]

    async def reserve(self, tier: str, model: str) -> Message:
        """The seq this answer will take; refused (TakenOver) once people have the conversation,
        checked under the row lock right before any model is called."""
        if self.reserved is None:
            await in_conversation(self.conversation_id, self.reserve_now)(tier, model)
        assert self.reserved is not None
        return self.reserved

    def reserve_now(self, tier: str, model: str) -> list[actions.AuditEntry]:
        """`reserve`, on the database thread; the audit entries it wrote."""
        entries = self.take_audit()
        language, self.pending_language = self.pending_language, ""
        try:
            self.reserved = actions.do_begin_assistant_message(
                self.conversation_id,
                tier=tier,
                model=model,
                audit_before=entries,
                language=language,
            )
        except actions.ActionRefused as refused:
            # Rolled back with the refusal: the router's events are written when it stops.
            self.pending_audit[:0] = entries
            self.pending_language = language
            raise TakenOver from refused
        return entries

    def store_language_now(self) -> None:
        """Store the language no reservation took along (on the database thread)."""
        language, self.pending_language = self.pending_language, ""
        if language:
            update_row(Conversation, self.conversation_id, language=language)

    async def reserve_call(self, request: ProviderRequest) -> str | None:
        """Unless an earlier turn took it, the answer's seq, and the call's spend (see
        billing.reserve_call_now), in one trip to the database thread and one transaction; the
        name of the limit that refused the spend (nothing is then reserved), or None.
        TakenOver as for `reserve` (nothing is reserved either)."""
        return await in_conversation(self.conversation_id, self.reserve_call_now)(request)

    def reserve_call_now(self, request: ProviderRequest) -> str | None:
        """`reserve_call`, on the database thread. The spend comes last: the day's spend row,
        which every answer's reservation updates, is then locked only until the commit."""
        with transaction.atomic():
            began = self.reserved is None
            language = self.pending_language
            written = self.reserve_now(request.tier, request.model) if began else []
            reserved = billing.reserve_call_now(self.conversation_id, request, self.client_address)
            if isinstance(reserved, str):
                transaction.set_rollback(True)
                if began:
                    self.reserved = None
                    self.pending_audit[:0] = written
                    self.pending_language = language
                return reserved
        self.spend = reserved
        return None

    def release_if_streamed(self, streamed: bool) -> None:
        if streamed:
            # That reserved seq now holds a stored answer (whole or interrupted); whatever
            # comes next takes a new one.
            self.reserved = None

    async def release_spend(self) -> None:
        """Give back a reservation no booking settled (the answer stopped before it)."""
        spend, self.spend = self.spend, None
        if spend is not None:
            await after_stream(billing.release_call)(spend)
