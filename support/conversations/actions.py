"""Every change to a conversation: check_* functions validate, do_* functions change state.

The websocket consumer, the inbox views and the management commands all call these, so the
rules (seqs, the state machine, the audit chain, live events after commit) live in one place.
Each do_* runs in one transaction holding the conversation's row lock: one writer per chain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from routing.language import language_of_tag

from .assignment_signals import note_status_change
from .audit import (
    AUDIT_COLUMNS,
    append_event,
    append_events,
    chained_rows,
    reserve_serials,
    seal_head,
    seal_message,
    text_digest_data,
)
from .i18n import speaking
from .live import INBOX_GROUP, publish_after_commit
from .models import AuditEvent, Conversation, Message, MessageState, Role, Status
from .rows import (
    insert_row_returning_pk,
    insert_rows,
    insert_rows_returning,
    update_row,
    update_rows,
    writes_together,
)
from .state import TransitionRefused, check_transition
from .statements import (
    client_id_stored,
    client_ids_stored,
    conversation_row,
    conversation_rows_locked,
    message_row,
)
from .status_text import customer_status_detail

MAX_MESSAGE_CHARS = 4000


class ActionRefused(ValueError):
    """A request the product refuses; `code` is stable, the message is for people."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _locked(conversation_id: int) -> Conversation:
    """The conversation row, locked until the transaction ends (PostgreSQL row lock; SQLite
    takes the database write lock at BEGIN IMMEDIATE). A plain statement, not an ORM query:
    every message and answer takes this lock."""
    conversation = conversation_row(conversation_id, for_update=True)
    if conversation is None:
        raise Conversation.DoesNotExist(f"no conversation {conversation_id}")
    return conversation


def _next_message(
    conversation: Conversation, *, also_stored: tuple[str, ...] = (), **fields: Any
) -> Message:
    """The conversation's next message, stored, with the conversation's row: its seq, and its
    audit chain's head, so events appended with `_insert_events` just before need no write of
    their own (nor the row's `also_stored` columns)."""
    now = timezone.now()
    message = _new_message(conversation, now, **fields)
    _write_head(conversation, now, also_stored)
    _insert(message)
    return message


def _write_head(conversation: Conversation, now: datetime, also: tuple[str, ...] = ()) -> None:
    """Store what new messages and events changed on the conversation's row: its last seq,
    its audit chain's count and head, and the seal over them (and its `also` columns)."""
    _write_heads([conversation], now, also)


_HEAD_COLUMNS = ("last_seq", "updated_at", "audit_count", "audit_head_hash", "audit_head_seal")


def _write_heads(
    conversations: Sequence[Conversation], now: datetime, also: tuple[str, ...] = ()
) -> None:
    """`_write_head` for each conversation, in one statement for them all."""
    update_rows(
        Conversation,
        _HEAD_COLUMNS + also,
        [
            (
                conversation.pk,
                (
                    conversation.last_seq,
                    now,
                    conversation.audit_count,
                    conversation.audit_head_hash,
                    seal_head(conversation),
                    *(getattr(conversation, name) for name in also),
                ),
            )
            for conversation in conversations
        ],
    )


def _insert_events(conversation: Conversation, entries: Sequence[AuditEntry]) -> None:
    """Append events to the chain with one INSERT, leaving the chain's head on `conversation`
    for the caller's next write of the row (`_next_message` writes it)."""
    if entries:
        insert_rows(AuditEvent, AUDIT_COLUMNS, chained_rows(conversation, entries))


def _new_message(conversation: Conversation, now: datetime, **fields: Any) -> Message:
    """The conversation's next message, sealed, and its seq taken on `conversation`; unsaved."""
    conversation.last_seq += 1
    message = Message(
        conversation=conversation,
        seq=conversation.last_seq,
        created_at=now,
        updated_at=now,
        **fields,
    )
    seal_message(conversation, message)
    return message


def _insert(instance: Model) -> None:
    """Store a new instance with one plain INSERT (auto_now fields are the caller's to set)."""
    fields = _insert_fields(type(instance))
    instance.pk = insert_row_returning_pk(
        type(instance),
        tuple(f.name for f in fields),
        [getattr(instance, f.attname) for f in fields],
    )
    _mark_stored(instance)


def _mark_stored(instance: Model) -> None:
    instance._state.adding = False
    instance._state.db = "default"


@cache
def _insert_fields(model: type[Any]) -> tuple[Any, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


AuditEntry = tuple[str, str, dict[str, Any]]  # kind, actor, data


def _publish_message(conversation: Conversation, message: Message) -> None:
    publish_after_commit(
        conversation.group_name, {"type": "chat.message", "frame": message.as_frame()}
    )


def _publish_status(conversation: Conversation, reason: str = "") -> None:
    frame: dict[str, Any] = {"type": "status", "status": conversation.status}
    if reason:
        frame["reason"] = reason
    agent_name = ""
    if conversation.status == Status.AGENT and conversation.assigned_agent is not None:
        agent_name = frame["agent"] = agent_display_name(conversation.assigned_agent)
    # The widget shows this, never the reason code.
    with speaking(conversation.language):
        frame["detail"] = customer_status_detail(conversation.status, reason, agent_name)
    publish_after_commit(conversation.group_name, {"type": "chat.status", "frame": frame})
    publish_after_commit(
        INBOX_GROUP,
        {"type": "inbox.changed", "conversation": str(conversation.public_id), "status": frame},
    )


def agent_display_name(user: Any) -> str:
    """How customers see an agent: the first name, or a neutral name; never the username
    (often a login or an email address)."""
    return str(user.get_short_name() or "").strip() or settings.LADDER_AGENT_FALLBACK_NAME


def check_customer_text(text: object) -> str:
    if not isinstance(text, str):
        raise ActionRefused("invalid_field", "`text` must be a string.")
    if not text.strip():
        raise ActionRefused("message_empty", "The message is empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ActionRefused(
            "message_too_long",
            f"A message may have at most {MAX_MESSAGE_CHARS} characters; this one has {len(text)}.",
        )
    return text


def do_start_conversation(
    *, origin: str = "", client_ip: str = "", language: str = "", page: str = ""
) -> Conversation:
    with transaction.atomic():
        now = timezone.now()
        conversation = Conversation(
            origin=origin[:200],
            # Until the customer writes, the browser's language is the best guess of theirs.
            language=language_of_tag(language) or "",
            browser_language=language[:35],
            customer_page=page[:500],
            created_at=now,
            updated_at=now,
            audit_serial=reserve_serials()[0],
        )
        _insert(conversation)
        append_event(
            conversation,
            "conversation.started",
            "customer",
            {"origin": origin, "client_ip": client_ip},
        )
    return conversation


@dataclass(frozen=True)
class StoredCustomerMessage:
    message: Message
    created: bool
    conversation: Conversation


def do_record_customer_message(
    conversation_id: int, *, client_id: str, text: str
) -> StoredCustomerMessage:
    """Store a customer's message durably (idempotent on client_id) before anything answers it."""
    check_customer_text(text)
    if client_id_stored(conversation_id, client_id):
        return _already_stored(conversation_id, client_id)
    try:
        with transaction.atomic():
            conversation = _locked(conversation_id)
            message = _next_message(
                conversation, role=Role.CUSTOMER, text=text, client_id=client_id
            )
            reopened = conversation.status == Status.RESOLVED
            if reopened:
                _set_status(
                    conversation, Status.AI, reason="customer_wrote_again", actor="customer"
                )
            append_events(conversation, [_customer_message_event(message)])
            _publish_customer_message(conversation, message)
    except IntegrityError:
        # Two sockets resent the same client_id at once: the first one stored it.
        return _already_stored(conversation_id, client_id)
    return StoredCustomerMessage(message, True, conversation)


def _customer_message_event(message: Message) -> AuditEntry:
    data = {"seq": message.seq, "client_id": message.client_id, "chars": len(message.text)}
    return ("message.customer", "customer", data | text_digest_data(message))


def _publish_customer_message(conversation: Conversation, message: Message) -> None:
    if conversation.status in (Status.WAITING, Status.AGENT):
        publish_after_commit(
            INBOX_GROUP, {"type": "inbox.changed", "conversation": str(conversation.public_id)}
        )
    _publish_message(conversation, message)


@dataclass(frozen=True)
class CustomerMessageToStore:
    conversation_id: int
    client_id: str
    text: str


type StoreOutcome = StoredCustomerMessage | ActionRefused | Conversation.DoesNotExist


def do_record_customer_messages(messages: Sequence[CustomerMessageToStore]) -> list[StoreOutcome]:
    """`do_record_customer_message` for each of `messages`, in the caller's transaction, in
    order; the outcome of each: what it stored, or why it was refused.

    The common case, a new message in a conversation the AI or a person has, is written for
    every message at once: one read of the client_ids, one locking read of the conversations,
    one INSERT of the messages and one of their audit events, and one update per conversation
    (instead of eight statements a message). A resend, a message that reopens a resolved
    conversation and a message of a conversation that has one of those go the single way, in
    a savepoint each. The client_ids are read under the conversations' locks, which every
    writer of a message takes, so none can be stored by another writer in between."""
    outcomes: list[StoreOutcome | None] = [None] * len(messages)
    valid: list[int] = []
    for index, message in enumerate(messages):
        try:
            check_customer_text(message.text)
        except ActionRefused as refused:
            outcomes[index] = refused
        else:
            valid.append(index)
    conversations = conversation_rows_locked([messages[i].conversation_id for i in valid])
    for index in valid:
        if messages[index].conversation_id not in conversations:
            missing = messages[index].conversation_id
            outcomes[index] = Conversation.DoesNotExist(f"no conversation {missing}")
    valid = [i for i in valid if outcomes[i] is None]
    together = _new_in_open_conversations([messages[i] for i in valid], conversations)
    together_indexes = [i for i, ok in zip(valid, together, strict=True) if ok]
    stored = _store_together([messages[i] for i in together_indexes], conversations)
    for index, outcome in zip(together_indexes, stored, strict=True):
        outcomes[index] = outcome
    for index in valid:
        if outcomes[index] is None:
            message = messages[index]
            try:
                outcomes[index] = do_record_customer_message(
                    message.conversation_id, client_id=message.client_id, text=message.text
                )
            except (ActionRefused, Conversation.DoesNotExist) as refused:
                outcomes[index] = refused
    return cast(list[StoreOutcome], outcomes)


def _new_in_open_conversations(
    messages: Sequence[CustomerMessageToStore], conversations: dict[int, Conversation]
) -> list[bool]:
    """For each message, whether it may be stored together with the others: a new client_id,
    in a conversation that is not resolved and has no message that may not."""
    pairs = [(m.conversation_id, m.client_id) for m in messages]
    stored = client_ids_stored(pairs)
    sent = Counter(pairs)
    one_at_a_time = {
        conversation_id
        for conversation_id, client_id in pairs
        if (conversation_id, client_id) in stored
        or sent[(conversation_id, client_id)] > 1
        or conversations[conversation_id].status == Status.RESOLVED
    }
    return [conversation_id not in one_at_a_time for conversation_id, _ in pairs]


def _store_together(
    messages: Sequence[CustomerMessageToStore], conversations: dict[int, Conversation]
) -> list[StoredCustomerMessage]:
    """New messages of conversations that are locked and not resolved, each as
    `do_record_customer_message` stores it, in a few statements for them all."""
    now = timezone.now()
    built: list[Message] = []
    events: list[tuple[Any, ...]] = []
    for item in messages:
        conversation = conversations[item.conversation_id]
        message = _new_message(
            conversation, now, role=Role.CUSTOMER, text=item.text, client_id=item.client_id
        )
        built.append(message)
        events += chained_rows(conversation, [_customer_message_event(message)])
    fields = _insert_fields(Message)
    with writes_together():  # the events, the rows and the messages: one statement
        insert_rows(AuditEvent, AUDIT_COLUMNS, events)
        _write_heads(
            [conversations[pk] for pk in dict.fromkeys(item.conversation_id for item in messages)],
            now,
        )
        ids = insert_rows_returning(
            Message,
            tuple(f.name for f in fields),
            [[getattr(m, f.attname) for f in fields] for m in built],
            returning=("id", "conversation", "seq"),
        )
    pks = {(conversation_id, seq): pk for pk, conversation_id, seq in ids}
    outcomes = []
    for message in built:
        message.pk = pks[(message.conversation_id, message.seq)]
        _mark_stored(message)
        conversation = conversations[message.conversation_id]
        _publish_customer_message(conversation, message)
        outcomes.append(StoredCustomerMessage(message, True, conversation))
    return outcomes


def _already_stored(conversation_id: int, client_id: str) -> StoredCustomerMessage:
    existing = Message.objects.select_related("conversation").get(
        conversation_id=conversation_id, client_id=client_id
    )
    return StoredCustomerMessage(existing, False, existing.conversation)


def do_begin_assistant_message(
    conversation_id: int,
    *,
    tier: str,
    model: str,
    audit_before: Sequence[AuditEntry] = (),
    language: str = "",
) -> Message:
    """Reserve the seq of an answer about to stream (stored by do_finish_assistant_message).

    `audit_before` are the router's events so far, and `language` (when given) the one the
    customer now writes in, written in the same transaction: one trip to the database before
    the model is called, not one per event. Inside a caller's transaction it adds no
    savepoint: a refusal rolls the caller's transaction back too.
    """
    with transaction.atomic(savepoint=False):
        conversation = _locked(conversation_id)
        if conversation.status != Status.AI:
            # While people have the conversation no model answers in it (the caller keeps
            # `audit_before` and `language` to write with its next step).
            raise ActionRefused("not_with_ai", f"the conversation is {conversation.status}")
        if language:
            conversation.language = language
        with writes_together():  # the events, the row and the message: one statement
            _insert_events(conversation, audit_before)
            return _next_message(
                conversation,
                also_stored=("language",) if language else (),
                role=Role.ASSISTANT,
                state=MessageState.STREAMING,
                tier=tier,
                model=model,
            )


def do_finish_assistant_message(
    message_id: int,
    *,
    text: str,
    interrupted: bool,
    audit_kind: str,
    audit_data: dict[str, Any],
    usage: dict[str, Any],
    audit_before: Sequence[AuditEntry] = (),
    audit_after: Sequence[AuditEntry] = (),
) -> Message:
    """Store a streamed answer under the seq it took at its start, with what it cost: its
    audit event goes between the events before it and those after it, in one transaction."""
    with transaction.atomic():
        message = message_row(message_id)
        if message is None:
            raise Message.DoesNotExist(f"no message {message_id}")
        conversation = _locked(message.conversation_id)
        message.conversation = conversation
        message.text = text
        message.state = MessageState.INTERRUPTED if interrupted else MessageState.COMPLETE
        message.updated_at = timezone.now()
        for field, value in usage.items():
            setattr(message, field, value)
        text_mac = seal_message(conversation, message)  # its event carries the new digest
        answered = (
            audit_kind,
            f"model:{message.model or message.tier}",
            {**audit_data, **text_digest_data(message)},
        )
        with writes_together():  # the answer, its events and the chain's head: one statement
            update_row(
                Message,
                message.pk,
                text=message.text,
                text_mac=text_mac,
                state=message.state,
                updated_at=message.updated_at,
                **usage,
            )
            # The events before the answer, its own, and those after it.
            append_events(conversation, [*audit_before, answered, *audit_after])
    return message


def _fill_reserved(conversation: Conversation, message: Message, notice: str) -> Message:
    """A reserved answer that never showed becomes a system notice under the same seq."""
    message.role = Role.SYSTEM
    message.state = MessageState.COMPLETE
    message.text = notice
    message.tier = ""
    message.model = ""
    seal_message(conversation, message)
    message.save()
    return message


def do_post_system_message(conversation_id: int, text: str) -> Message:
    with transaction.atomic():
        conversation = _locked(conversation_id)
        message = _next_message(conversation, role=Role.SYSTEM, text=text)
        _publish_message(conversation, message)
    return message


def do_record_audit(conversation_id: int, kind: str, actor: str, data: dict[str, Any]) -> None:
    do_record_audits(conversation_id, [(kind, actor, data)])


def do_record_audits(conversation_id: int, entries: Sequence[AuditEntry]) -> None:
    if not entries:
        return
    with transaction.atomic():
        append_events(_locked(conversation_id), entries)


def _set_status(conversation: Conversation, new_status: str, *, reason: str, actor: str) -> None:
    old_status = conversation.status
    check_transition(old_status, new_status)
    now = timezone.now()
    conversation.status = new_status
    updates: dict[str, Any] = {"status": new_status, "updated_at": now}
    if new_status == Status.WAITING:
        conversation.waiting_since = now
        conversation.handoff_reason = reason
        updates |= {"waiting_since": now, "handoff_reason": reason}
    if new_status == Status.RESOLVED:
        conversation.resolved_at = now
        updates["resolved_at"] = now
    if new_status in (Status.AI, Status.RESOLVED, Status.WAITING):
        conversation.assigned_agent = None
        updates["assigned_agent"] = None
    Conversation.objects.filter(pk=conversation.pk).update(**updates)
    append_event(
        conversation,
        "status.changed",
        actor,
        {"from": old_status, "to": new_status, "reason": reason},
    )
    _publish_status(conversation, reason)
    note_status_change(conversation, old_status, new_status)


def do_request_handoff(
    conversation_id: int,
    *,
    reason: str,
    actor: str,
    notice: str,
    details: dict[str, Any] | None = None,
    reserved_message_id: int | None = None,
    audit_before: Sequence[AuditEntry] = (),
) -> Conversation:
    """Hand the conversation to people: status waiting, a notice to the customer, the audit.

    `reserved_message_id` is the seq an answer had reserved and never showed: the notice
    takes it, so seqs stay gapless.
    """
    with transaction.atomic():
        conversation = _locked(conversation_id)
        append_events(conversation, audit_before)
        reserved = (
            Message.objects.filter(pk=reserved_message_id, state=MessageState.STREAMING).first()
            if reserved_message_id
            else None
        )
        if conversation.status in (Status.WAITING, Status.AGENT):
            if reserved is not None:
                _fill_reserved(conversation, reserved, notice)
                _publish_message(conversation, reserved)
            return conversation
        append_event(conversation, "handoff", actor, {"reason": reason, **(details or {})})
        _set_status(conversation, Status.WAITING, reason=reason, actor=actor)
        if reserved is not None:
            message = _fill_reserved(conversation, reserved, notice)
        else:
            message = _next_message(conversation, role=Role.SYSTEM, text=notice)
        _publish_message(conversation, message)
    return conversation


def do_change_status(
    conversation_id: int, new_status: str, *, reason: str, actor: str
) -> Conversation:
    with transaction.atomic():
        conversation = _locked(conversation_id)
        try:
            _set_status(conversation, new_status, reason=reason, actor=actor)
        except TransitionRefused as refused:
            raise ActionRefused("transition_refused", str(refused)) from refused
    return conversation
