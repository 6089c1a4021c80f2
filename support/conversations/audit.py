"""The one writer of audit events, and the check that the trail is intact.

Every hash is keyed (HMAC-SHA256 with LADDER_AUDIT_KEY, kept outside the database), so
someone who can edit the database cannot recompute them: an event's hash covers its data (by
digest), its place in the conversation's chain and the conversation's serial in the site-wide
ledger; each message's text is covered by a keyed digest, repeated in the event that stored
it; the chain's head and the ledger's count are sealed. Chains begun before the trail was
keyed keep verifying under the old scheme up to the marks the upgrade sealed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditEvent, AuditLedger, Conversation, Message
from .rows import insert_rows, update_row
from .statements import audit_ledger_row

REDACTED_KEY = "redacted_by_event"
# Event data keys naming the message whose text the event stored, and that text's digest.
TEXT_SEQ_KEY = "text_seq"
TEXT_DIGEST_KEY = "text_digest"


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder, ensure_ascii=False
    ).encode()


def keyed_digest(*parts: Any) -> str:
    """HMAC-SHA256 of the parts under the audit key."""
    key = settings.LADDER_AUDIT_KEY.encode()
    return hmac.new(key, _canonical(list(parts)), hashlib.sha256).hexdigest()


def data_digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(data)).hexdigest()


def legacy_event_hash(
    conversation_public_id: str,
    index: int,
    kind: str,
    actor: str,
    digest_of_data: str,
    created_at_iso: str,
    prev_hash: str,
) -> str:
    """The unkeyed SHA-256 of events written before the trail was keyed (verify only)."""
    return hashlib.sha256(
        _canonical(
            [conversation_public_id, index, kind, actor, digest_of_data, created_at_iso, prev_hash]
        )
    ).hexdigest()


def event_hash(
    serial: int | None,
    conversation_public_id: str,
    index: int,
    kind: str,
    actor: str,
    digest_of_data: str,
    created_at_iso: str,
    prev_hash: str,
) -> str:
    """The keyed hash of an event: its data's digest, its place and the previous event's hash.

    The chain covers the data through its digest, so personal data can later be erased from
    an event (replaced by a redaction marker) while the chain still verifies.
    """
    return keyed_digest(
        "event",
        serial,
        conversation_public_id,
        index,
        kind,
        actor,
        digest_of_data,
        created_at_iso,
        prev_hash,
    )


def message_text_mac(conversation: Conversation, message: Message) -> str:
    """The keyed digest of a message's text and who wrote it, under its seq."""
    return keyed_digest(
        "message",
        str(conversation.public_id),
        message.seq,
        message.role,
        message.author,
        message.internal,
        message.text,
    )


def head_seal(conversation: Conversation) -> str:
    return keyed_digest(
        "head",
        conversation.audit_serial,
        str(conversation.public_id),
        conversation.audit_count,
        conversation.audit_head_hash,
        conversation.last_seq,
        conversation.audit_legacy_events,
        conversation.audit_legacy_seq,
    )


def ledger_seal(conversations: int) -> str:
    return keyed_digest("ledger", conversations)


def reserve_serials(count: int = 1) -> range:
    """The next `count` serials of the site-wide ledger, taken under its row lock (inside the
    caller's transaction: a conversation that rolls back gives its serial back)."""
    ledger = audit_ledger_row(for_update=True)
    if ledger is None:
        with transaction.atomic():
            AuditLedger.objects.get_or_create(pk=1, defaults={"seal": ledger_seal(0)})
        ledger = audit_ledger_row(for_update=True)
        assert ledger is not None
    first = ledger.conversations + 1
    ledger.conversations += count
    update_row(
        AuditLedger,
        ledger.pk,
        conversations=ledger.conversations,
        seal=ledger_seal(ledger.conversations),
    )
    return range(first, first + count)


def seal_head(conversation: Conversation) -> str:
    """Reseal the head after the chain or the messages grew (the caller writes it)."""
    conversation.audit_head_seal = head_seal(conversation)
    return conversation.audit_head_seal


def seal_message(conversation: Conversation, message: Message) -> str:
    """Set a message's text digest from its current text (the caller writes it)."""
    message.text_mac = message_text_mac(conversation, message)
    return message.text_mac


def text_digest_data(message: Message) -> dict[str, Any]:
    """What an event that stores a message's text carries of it."""
    return {TEXT_SEQ_KEY: message.seq, TEXT_DIGEST_KEY: message.text_mac}


def append_event(
    conversation: Conversation, kind: str, actor: str, data: dict[str, Any] | None = None
) -> None:
    """Append one event to a conversation's chain.

    The caller holds the conversation's row lock inside a transaction (see actions.locked),
    so the chain has one writer at a time and cannot fork.
    """
    append_events(conversation, [(kind, actor, data)])


AUDIT_COLUMNS = (
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
    insert_rows(AuditEvent, AUDIT_COLUMNS, chained_rows(conversation, entries))
    update_row(
        Conversation,
        conversation.pk,
        audit_count=conversation.audit_count,
        audit_head_hash=conversation.audit_head_hash,
        audit_head_seal=seal_head(conversation),
    )


def chained_rows(
    conversation: Conversation, entries: Sequence[tuple[str, str, dict[str, Any] | None]]
) -> list[tuple[Any, ...]]:
    """The AuditEvent rows (in AUDIT_COLUMNS' order) that append `entries` to the chain, and
    the chain's new count and head set on `conversation`; the caller writes both, the head
    with `seal_head` once everything else it changes is set."""
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
            conversation.audit_serial,
            public_id,
            index,
            kind,
            actor,
            payload_digest,
            created_at.isoformat(),
            head,
        )
        rows.append(
            (conversation.pk, index, kind, actor, payload, payload_digest, created_at, head, digest)
        )
        head = digest
    conversation.audit_count = index
    conversation.audit_head_hash = head
    return rows


def rechain(
    conversation: Conversation, events: Sequence[AuditEvent], messages: Sequence[Message]
) -> None:
    """Hash a copy of a conversation's events and messages anew for `conversation` (its serial
    and public id): for generated traffic, which copies played conversations. Unsaved rows."""
    for message in messages:
        seal_message(conversation, message)
    macs = {m.seq: m.text_mac for m in messages}
    head = ""
    for event in events:
        if TEXT_SEQ_KEY in event.data and REDACTED_KEY not in event.data:
            event.data = {**event.data, TEXT_DIGEST_KEY: macs.get(event.data[TEXT_SEQ_KEY], "")}
            event.data_digest = data_digest(event.data)
        event.hash = event_hash(
            conversation.audit_serial,
            str(conversation.public_id),
            event.index,
            event.kind,
            event.actor,
            event.data_digest,
            event.created_at.isoformat(),
            head,
        )
        event.prev_hash = head
        head = event.hash
    conversation.audit_count = len(events)
    conversation.audit_head_hash = head
    conversation.audit_legacy_events = conversation.audit_legacy_seq = 0
    seal_head(conversation)


@dataclass(frozen=True)
class ChainProblem:
    conversation: str
    index: int
    problem: str

    def __str__(self) -> str:
        return f"conversation {self.conversation}, event {self.index}: {self.problem}"


def verify_chain(
    conversation: Conversation,
    events: Iterable[AuditEvent],
    messages: Iterable[Message] | None = None,
) -> list[ChainProblem]:
    """Every way the stored chain and messages differ from untouched ones: edited events or
    texts, gaps, reorders, cuts, a rewritten head. (Messages are checked when given.)"""
    problems: list[ChainProblem] = []
    public_id = str(conversation.public_id)

    def problem(index: int, text: str) -> None:
        problems.append(ChainProblem(public_id, index, text))

    if conversation.audit_serial is None:
        problem(0, "not in the site-wide audit ledger")
    if not hmac.compare_digest(conversation.audit_head_seal, head_seal(conversation)):
        problem(
            conversation.audit_count,
            "the chain's head, length or last seq was altered (or events or messages were "
            "cut off the end)",
        )
    expected_prev = ""
    expected_index = 1
    events = list(events)
    redactions = {
        event.index: set(event.data.get("events", []))
        for event in events
        if event.kind == "customer.erased"
    }
    text_digests: dict[int, tuple[int, str | None]] = {}
    for event in events:
        if event.index != expected_index:
            problem(
                event.index,
                f"expected event {expected_index} here: an event is missing or out of order",
            )
        if event.prev_hash != expected_prev:
            problem(event.index, "does not link to the event before it (deleted or reordered)")
        legacy = event.index <= conversation.audit_legacy_events
        parts = (
            public_id,
            event.index,
            event.kind,
            event.actor,
            event.data_digest,
            event.created_at.isoformat(),
            event.prev_hash,
        )
        recomputed = (
            legacy_event_hash(*parts) if legacy else event_hash(conversation.audit_serial, *parts)
        )
        redacted_by = event.data.get(REDACTED_KEY) if len(event.data) == 1 else None
        if redacted_by is not None:
            # Erased data is fine only where a later redaction event names this event.
            if event.index not in redactions.get(redacted_by, set()):
                problem(event.index, "data erased without a redaction event")
        elif data_digest(event.data) != event.data_digest:
            problem(event.index, "content was edited")
        if not hmac.compare_digest(recomputed, event.hash):
            problem(event.index, "content was edited")
        if not legacy:
            seq = event.data.get(TEXT_SEQ_KEY)
            if isinstance(seq, int):
                text_digests[seq] = (event.index, event.data.get(TEXT_DIGEST_KEY))
        expected_prev = event.hash
        expected_index = event.index + 1
    if (
        expected_index - 1 != conversation.audit_count
        or expected_prev != conversation.audit_head_hash
    ):
        problem(
            conversation.audit_count,
            f"chain ends at event {expected_index - 1} but {conversation.audit_count} were "
            "written (events deleted from the end, or the head was altered)",
        )
    if messages is not None:
        problems += _message_problems(conversation, list(messages), text_digests)
    return problems


def _message_problems(
    conversation: Conversation,
    messages: list[Message],
    text_digests: dict[int, tuple[int, str | None]],
) -> list[ChainProblem]:
    """Messages since the trail was keyed: none missing, none edited."""
    public_id = str(conversation.public_id)
    problems: list[ChainProblem] = []
    by_seq = {m.seq: m for m in messages if m.seq > conversation.audit_legacy_seq}
    for seq in range(conversation.audit_legacy_seq + 1, conversation.last_seq + 1):
        message = by_seq.pop(seq, None)
        if message is None:
            problems.append(ChainProblem(public_id, 0, f"message {seq} was deleted"))
            continue
        mac = message_text_mac(conversation, message)
        if not hmac.compare_digest(message.text_mac, mac):
            problems.append(ChainProblem(public_id, 0, f"message {seq}'s text was edited"))
            continue
        index, digest = text_digests.get(seq, (0, None))
        if index and digest != mac:
            problems.append(
                ChainProblem(
                    public_id, index, f"message {seq}'s text differs from what its event stored"
                )
            )
    for seq in sorted(by_seq):
        problems.append(ChainProblem(public_id, 0, f"message {seq} is past the last seq"))
    return problems


def verify_ledger(serials: Iterable[int | None]) -> list[str]:
    """Problems of the site-wide ledger: every conversation ever begun is still there."""
    ledger = AuditLedger.objects.filter(pk=1).first()
    count = ledger.conversations if ledger else 0
    problems = []
    if ledger is not None and not hmac.compare_digest(ledger.seal, ledger_seal(count)):
        problems.append("the site-wide ledger's count was altered")
    present = {s for s in serials if s is not None}
    missing = sorted(set(range(1, count + 1)) - present)
    if missing:
        shown = ", ".join(str(s) for s in missing[:20]) + (" ..." if len(missing) > 20 else "")
        problems.append(f"{len(missing)} conversation(s) deleted whole (ledger serials {shown})")
    beyond = sorted(s for s in present if s > count)
    if beyond:
        problems.append(
            f"{len(beyond)} conversation(s) beyond the ledger's count of {count} "
            "(the ledger was rolled back)"
        )
    return problems
