"""Plain INSERT and UPDATE statements for the rows every chat message writes (messages, audit
events, the conversation's counters): the ORM's save machinery costs several times the
statement itself, on the one database thread every conversation shares."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models


@cache
def _insert_sql(model: type[models.Model], columns: tuple[str, ...], rows: int) -> str:
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model only
        f"({', '.join(quote(model._meta.get_field(c).column) for c in columns)}) "
        f"VALUES {', '.join([row] * rows)}"
    )


def _db_values(model: type[models.Model], columns: tuple[str, ...], values: Sequence[Any]) -> list:
    """Values as the field would save them (JSON as text, datetimes per backend)."""
    return [
        model._meta.get_field(column).get_db_prep_save(value, connection)
        for column, value in zip(columns, values, strict=True)
    ]


def insert_rows(
    model: type[models.Model], columns: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    params: list[Any] = []
    for row in rows:
        params += _db_values(model, columns, row)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, columns, len(rows)), params)


def insert_row_returning_pk(
    model: type[models.Model], columns: tuple[str, ...], values: Sequence[Any]
) -> int:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(model, columns, 1) + f" RETURNING {quote(model._meta.pk.column)}",
            _db_values(model, columns, values),
        )
        return int(cursor.fetchone()[0])


def update_row(model: type[models.Model], pk: int, **values: Any) -> None:
    quote = connection.ops.quote_name
    columns = tuple(values)
    assignments = ", ".join(f"{quote(model._meta.get_field(c).column)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [*_db_values(model, columns, list(values.values())), pk],
        )
