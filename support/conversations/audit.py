"""The one writer of audit events, and the check that the hash chain is intact."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .models import AuditEvent, Conversation
from .rows import insert_rows, update_row

REDACTED_KEY = "redacted_by_event"


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder, ensure_ascii=False
    ).encode()


def data_digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(data)).hexdigest()


def event_hash(
    conversation_public_id: str,
    index: int,
    kind: str,
    actor: str,
    digest_of_data: str,
    created_at_iso: str,
    prev_hash: str,
) -> str:
    """SHA-256 over the event, its data's digest and the previous event's hash.

    The chain covers the data through its digest, so personal data can later be erased from
    an event (replaced by a redaction marker) while the chain still verifies.
    """
    return hashlib.sha256(
        _canonical(
            [conversation_public_id, index, kind, actor, digest_of_data, created_at_iso, prev_hash]
        )
    ).hexdigest()


def append_event(
    conversation: Conversation, kind: str, actor: str, data: dict[str, Any] | None = None
) -> None:
    """Append one event to a conversation's chain.

    The caller holds the conversation's row lock inside a transaction (see actions.locked),
    so the chain has one writer at a time and cannot fork.
    """
    append_events(conversation, [(kind, actor, data)])


_AUDIT_COLUMNS = (
    "conversation",
    "index",
    "kind",
    "actor",
    "data",
    "data_digest",
    "created_at",
    "prev_hash",
    "hash",
)


def append_events(
    conversation: Conversation, entries: Sequence[tuple[str, str, dict[str, Any] | None]]
) -> None:
    """Append events (kind, actor, data) in order: one INSERT for them all and one update of
    the chain's head, under the caller's row lock as for `append_event`."""
    if not entries:
        return
    public_id = str(conversation.public_id)
    index = conversation.audit_count
    head = conversation.audit_head_hash
    rows = []
    for kind, actor, data in entries:
        payload = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
        created_at = timezone.now()
        index += 1
        payload_digest = data_digest(payload)
        digest = event_hash(
            public_id, index, kind, actor, payload_digest, created_at.isoformat(), head
        )
        rows.append(
            (conversation.pk, index, kind, actor, payload, payload_digest, created_at, head, digest)
        )
        head = digest
    insert_rows(AuditEvent, _AUDIT_COLUMNS, rows)
    conversation.audit_count = index
    conversation.audit_head_hash = head
    update_row(Conversation, conversation.pk, audit_count=index, audit_head_hash=head)


@dataclass(frozen=True)
class ChainProblem:
    conversation: str
    index: int
    problem: str

    def __str__(self) -> str:
        return f"conversation {self.conversation}, event {self.index}: {self.problem}"


def verify_chain(conversation: Conversation, events: Iterable[AuditEvent]) -> list[ChainProblem]:
    """Every way the stored chain differs from an untouched one: edits, gaps, reorders, cuts."""
    problems: list[ChainProblem] = []
    public_id = str(conversation.public_id)
    expected_prev = ""
    expected_index = 1
    events = list(events)
    redactions = {
        event.index: set(event.data.get("events", []))
        for event in events
        if event.kind == "customer.erased"
    }
    for event in events:
        if event.index != expected_index:
            problems.append(
                ChainProblem(
                    public_id,
                    event.index,
                    f"expected event {expected_index} here: an event is missing or out of order",
                )
            )
        if event.prev_hash != expected_prev:
            problems.append(
                ChainProblem(
                    public_id,
                    event.index,
                    "does not link to the event before it (deleted or reordered)",
                )
            )
        recomputed = event_hash(
            public_id,
            event.index,
            event.kind,
            event.actor,
            event.data_digest,
            event.created_at.isoformat(),
            event.prev_hash,
        )
        redacted_by = event.data.get(REDACTED_KEY) if len(event.data) == 1 else None
        if redacted_by is not None:
            # Erased data is fine only where a later redaction event names this event.
            if event.index not in redactions.get(redacted_by, set()):
                problems.append(
                    ChainProblem(public_id, event.index, "data erased without a redaction event")
                )
        elif data_digest(event.data) != event.data_digest:
            problems.append(ChainProblem(public_id, event.index, "content was edited"))
        if recomputed != event.hash:
            problems.append(ChainProblem(public_id, event.index, "content was edited"))
        expected_prev = event.hash
        expected_index = event.index + 1
    if (
        expected_index - 1 != conversation.audit_count
        or expected_prev != conversation.audit_head_hash
    ):
        problems.append(
            ChainProblem(
                public_id,
                conversation.audit_count,
                f"chain ends at event {expected_index - 1} but {conversation.audit_count} were "
                "written (events deleted from the end, or the head was altered)",
            )
        )
    return problems
