"""The chat's hot-path reads and writes by name: each plain statement (rows.py) that a message
or an answer runs is a function here, so no other module writes WHERE, ORDER BY or LIMIT."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model

from .ledger_models import CachedAnswer, DailySpend
from .models import AuditLedger, Conversation, Message, MessageState, Role
from .rows import (
    add_to_columns,
    matching,
    select_instance,
    select_instance_and_rows,
    select_instances,
    select_values,
)


def conversation_row(conversation_id: int, *, for_update: bool = False) -> Conversation | None:
    """The conversation (every column), locked until the transaction ends with `for_update`."""
    return select_instance(Conversation, "id = %s", [conversation_id], for_update=for_update)


def cached_answer_row(key: str) -> CachedAnswer | None:
    """The answer cache's entry under `key` (unique), every column."""
    return select_instance(CachedAnswer, "key = %s", [key])


def count_cache_hit(entry_id: int) -> None:
    add_to_columns(CachedAnswer, {"id": entry_id}, hits=1)


def message_row(message_id: int) -> Message | None:
    return select_instance(Message, "id = %s", [message_id])


def visible_messages_from(conversation_id: int, seq: int) -> list[Message]:
    """The messages from `seq` on that the customer sees or will see (no internal notes), in
    order, answers still streaming included."""
    return select_instances(
        Message,
        "conversation_id = %s AND seq >= %s AND internal = %s",
        [conversation_id, seq, False],
        suffix=" ORDER BY seq",
    )


def conversation_rows_locked(conversation_ids: Sequence[int]) -> dict[int, Conversation]:
    """The conversations (every column) by id, each locked until the transaction ends, in the
    order of their ids (two writers never wait for each other in a circle)."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return {}
    found = select_instances(
        Conversation,
        f"id IN ({', '.join(['%s'] * len(ids))})",
        ids,
        suffix=" ORDER BY id",
        for_update=True,
    )
    return {conversation.pk: conversation for conversation in found}


def client_ids_stored(pairs: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of the (conversation id, client_id) pairs a customer message already holds."""
    if not pairs:
        return set()
    conversation_ids = sorted({conversation_id for conversation_id, _ in pairs})
    client_ids = sorted({client_id for _, client_id in pairs})
    rows = select_values(
        Message,
        ("conversation_id", "client_id"),
        f"conversation_id IN ({', '.join(['%s'] * len(conversation_ids))}) "
        f"AND client_id IN ({', '.join(['%s'] * len(client_ids))})",
        [*conversation_ids, *client_ids],
    )
    return {(conversation_id, client_id) for conversation_id, client_id in rows} & set(pairs)


def client_id_stored(conversation_id: int, client_id: str) -> bool:
    """Whether the conversation already holds a customer message sent with `client_id`."""
    return bool(
        select_values(
            Message,
            ("id",),
            "conversation_id = %s AND client_id = %s",
            [conversation_id, client_id],
        )
    )


def conversation_and_question(
    conversation_id: int, seq: int, limit: int, also: tuple[str, ...] = ()
) -> tuple[Conversation | None, list[tuple[int, str, str, str]], tuple[Any, ...]]:
    """The conversation (every column) and, in the same statement, (seq, role, text, author)
    in order: the last `limit` messages the customer saw before `seq` (no internal notes, no
    system notices, no answer still streaming), the message at `seq`, and the first finished
    reply after it, if any (a resumed answer may have raced the first one); and the values
    of the expressions `also` (see `select_instance_and_rows`)."""
    table = connection.ops.quote_name(Message._meta.db_table)
    earlier = (
        f"SELECT seq FROM {table} WHERE conversation_id = %s AND seq < %s AND internal = %s"  # noqa: S608 - names from the model only
        f" AND role <> %s AND state <> %s ORDER BY seq DESC LIMIT {int(limit)}"
    )
    first_reply = (
        f"SELECT MIN(seq) FROM {table} WHERE conversation_id = %s AND seq > %s"  # noqa: S608 - names from the model only
        " AND state = %s AND role <> %s"
    )
    conversation, rows, values = select_instance_and_rows(
        Conversation,
        "id = %s",
        [conversation_id],
        rows_of=Message,
        columns=("seq", "role", "text", "author"),
        rows_where=(
            f"conversation_id = %s AND (seq = %s OR seq IN ({earlier}) OR seq = ({first_reply}))"
        ),
        rows_params=[
            conversation_id,
            seq,
            *(conversation_id, seq, False, Role.SYSTEM, MessageState.STREAMING),
            *(conversation_id, seq, MessageState.COMPLETE, Role.CUSTOMER),
        ],
        also=also,
    )
    return conversation, sorted((row[0], row[1], row[2], row[3]) for row in rows), values


def add_model_tokens(conversation_id: int, tokens: int) -> None:
    """Count a model call's tokens against the conversation's token budget."""
    add_to_columns(Conversation, {"id": conversation_id}, model_tokens=tokens)


def audit_ledger_row(*, for_update: bool = False) -> AuditLedger | None:
    """The site-wide audit ledger (its one row)."""
    return select_instance(AuditLedger, "id = %s", [1], for_update=for_update)


def day_spend_usd(day: date, tier: str) -> Decimal | None:
    """What the tier spent on `day`, if it has a row."""
    where, params = matching(DailySpend, {"day": day, "tier": tier})
    rows = select_values(DailySpend, ("cost_usd",), where, params)
    return rows[0][0] if rows else None


def budget_has_room(
    model: type[Model], lookup: dict[str, Any], amount_usd: Decimal, cap_usd: Decimal
) -> bool:
    """Whether the budget row's spend and reservations, with `amount_usd` more, stay within
    `cap_usd` (a budget with no row yet has spent nothing)."""
    where, params = matching(model, lookup)
    rows = select_values(model, ("cost_usd", "reserved_usd"), where, params)
    committed = rows[0][0] + rows[0][1] if rows else Decimal(0)
    return committed + amount_usd <= cap_usd


def reserve_within_cap(
    model: type[Model], lookup: dict[str, Any], amount_usd: Decimal, cap_usd: Decimal
) -> bool:
    """Add `amount_usd` to the budget row's reservations if its spend and reservations stay
    within `cap_usd`; False when they would not (or there is no row)."""
    return bool(
        add_to_columns(
            model,
            lookup,
            # Both sides as arithmetic: SQLite compares a bound number as text otherwise.
            condition="cost_usd + reserved_usd + %s - %s <= 0",
            condition_params=[amount_usd, cap_usd],
            reserved_usd=amount_usd,
        )
    )
