"""Plain statements for the rows every chat message reads and writes (conversations, messages,
audit events, the conversation's counters, the day's spend): the ORM's query compilation and
save machinery cost several times the statement itself, on the database threads every answer
goes through. This is the machinery; statements.py names each statement the chat runs."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, cast

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A concrete column of the model (these statements name no reverse relations)."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def _column(model: type[models.Model], name: str) -> str:
    return cast(str, _field(model, name).column)


def _pk_column(model: type[models.Model]) -> str:
    return cast(str, model._meta.pk.column)


# The plain writes waiting to go with the next statement (`writes_together`), per thread.
_together = threading.local()


@contextmanager
def writes_together() -> Iterator[None]:
    """On PostgreSQL, the writes of this module made inside (`insert_rows`, `update_row`,
    `update_rows`) go to the database with the next statement that returns rows, or at the
    end, as one statement (data-modifying WITH): one round trip where each took its own, and
    on a database thread one wait fewer to win the GIL back.

    PostgreSQL runs the parts of one statement against one snapshot, so no row may be written
    twice in one (an update of a row a waiting write updates sends the waiting ones first) and
    none may read what another writes (a read through this module sends them first). Only
    this module's statements may run inside. A block inside another adds nothing (its writes
    go with the outer block's); an error inside drops the writes not yet sent, as the
    transaction's rollback would. Elsewhere each write runs as it comes."""
    if connection.vendor != "postgresql" or getattr(_together, "waiting", None) is not None:
        yield
        return
    _together.waiting = []
    _together.updated = set()
    try:
        yield
        _send_waiting_writes()
    finally:
        _together.waiting = None


def _write(sql: str, params: Sequence[Any], updates: Sequence[tuple[str, int]] = ()) -> None:
    """Run a write, or keep it for the next statement inside `writes_together`. `updates`: the
    rows (table, primary key) it updates; one already updated by a waiting write sends those
    first, so no statement writes a row twice."""
    waiting = getattr(_together, "waiting", None)
    if waiting is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    if _together.updated.intersection(updates):
        _send_waiting_writes()
    waiting.append((sql, list(params)))
    _together.updated.update(updates)


def _after_waiting_writes(sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """`sql` with the writes waiting before it, as one statement."""
    waiting = getattr(_together, "waiting", None)
    if not waiting:
        return sql, list(params)
    parts = [f"w{number} AS ({write})" for number, (write, _) in enumerate(waiting)]
    combined: list[Any] = [value for _, values in waiting for value in values]
    waiting.clear()
    _together.updated.clear()
    return f"WITH {', '.join(parts)} {sql}", [*combined, *params]


def _send_waiting_writes() -> None:
    waiting = getattr(_together, "waiting", None)
    if waiting:
        *before, (last, params) = waiting
        waiting[:] = before
        sql, combined = _after_waiting_writes(last, params)
        with connection.cursor() as cursor:
            cursor.execute(sql, combined)


@cache
def _insert_sql(model: type[models.Model], columns: tuple[str, ...], rows: int) -> str:
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model only
        f"({', '.join(quote(_column(model, c)) for c in columns)}) "
        f"VALUES {', '.join([row] * rows)}"
    )


# Django's own text, integer and boolean fields store a value of their own Python type (or
# None) unchanged: such values skip the field's conversion, the bulk of an INSERT's Python.
_STORED_AS_IS: dict[type[models.Field[Any, Any]], tuple[type, ...]] = {
    **dict.fromkeys((models.CharField, models.TextField, models.SlugField), (str, type(None))),
    **dict.fromkeys(
        (
            models.AutoField,
            models.BigAutoField,
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
        ),
        (int, type(None)),
    ),
    models.BooleanField: (bool, type(None)),
}


@cache
def _saving_plan(
    model: type[models.Model], columns: tuple[str, ...]
) -> tuple[tuple[models.Field[Any, Any], tuple[type, ...]], ...]:
    """Each column's field, and the Python types it stores unchanged (a relation's as its
    target's)."""
    # PostgreSQL's backend sends integers typed (psycopg's Int4, Int8): those convert there.
    plain_integers = (
        type(connection.ops).adapt_integerfield_value
        is BaseDatabaseOperations.adapt_integerfield_value
    )
    plan = []
    for column in columns:
        field = _field(model, column)
        stored = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
        as_is = _STORED_AS_IS.get(type(stored), ())
        if int in as_is and not plain_integers:
            as_is = ()
        plan.append((field, as_is))
    return tuple(plan)


def _db_values(model: type[models.Model], columns: tuple[str, ...], values: Sequence[Any]) -> list:
    """Values as the field would save them (JSON as text, datetimes per backend)."""
    return [
        value if type(value) in as_is else field.get_db_prep_save(value, connection)
        for (field, as_is), value in zip(_saving_plan(model, columns), values, strict=True)
    ]


def _insert_params(
    model: type[models.Model], columns: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> list[Any]:
    params: list[Any] = []
    for row in rows:
        params += _db_values(model, columns, row)
    return params


def insert_rows(
    model: type[models.Model], columns: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    _write(_insert_sql(model, columns, len(rows)), _insert_params(model, columns, rows))


def insert_rows_returning(
    model: type[models.Model],
    columns: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
    returning: tuple[str, ...],
) -> list[tuple[Any, ...]]:
    """One INSERT of `rows`; the `returning` columns (raw values) of each row stored, in no
    promised order: the caller matches them to its rows by value."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    sql, params = _after_waiting_writes(
        _insert_sql(model, columns, len(rows))
        + f" RETURNING {', '.join(quote(_column(model, c)) for c in returning)}",
        _insert_params(model, columns, rows),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def insert_row_returning_pk(
    model: type[models.Model], columns: tuple[str, ...], values: Sequence[Any]
) -> int:
    if connection.vendor == "sqlite":
        # The row's id without RETURNING: the statement takes one step where RETURNING takes
        # two, and SQLite's driver gives the GIL up at each step (under load it then waits to
        # win it back).
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(model, columns, 1), _insert_params(model, columns, [values]))
            return int(cursor.lastrowid)
    [(pk,)] = insert_rows_returning(model, columns, [values], (model._meta.pk.name,))
    return int(pk)


def update_row(model: type[models.Model], pk: int, /, **values: Any) -> None:
    quote = connection.ops.quote_name
    columns = tuple(values)
    assignments = ", ".join(f"{quote(_column(model, c))} = %s" for c in columns)
    _write(
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(_pk_column(model))} = %s",
        [*_db_values(model, columns, list(values.values())), pk],
        [(model._meta.db_table, pk)],
    )


def update_rows(
    model: type[models.Model],
    columns: tuple[str, ...],
    rows: Sequence[tuple[int, Sequence[Any]]],
) -> None:
    """Several rows, each by its primary key to values of its own, in one statement (UPDATE
    ... FROM VALUES, on either engine): a statement per row would give the GIL up and win it
    back once per row, and on PostgreSQL take a round trip each."""
    if len(rows) <= 1 or not updates_from_values():
        for pk, values in rows:
            update_row(model, pk, **dict(zip(columns, values, strict=True)))
        return
    params: list[Any] = []
    for pk, values in rows:
        params += [pk, *_db_values(model, columns, values)]
    _write(
        _update_rows_sql(model, columns, len(rows)),
        params,
        [(model._meta.db_table, pk) for pk, _ in rows],
    )


def updates_from_values() -> bool:
    """Whether the database takes UPDATE ... FROM (SQLite from 3.33; Django takes 3.31)."""
    return connection.vendor != "sqlite" or sqlite3.sqlite_version_info >= (3, 33)


@cache
def _update_rows_sql(model: type[models.Model], columns: tuple[str, ...], rows: int) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    typed = connection.vendor == "postgresql"  # VALUES of PostgreSQL may come untyped (text)
    assignments = []
    for position, name in enumerate(columns, start=2):
        value = f"v.column{position}"
        if typed:
            value = f"CAST({value} AS {_field(model, name).db_type(connection)})"
        assignments.append(f"{quote(_column(model, name))} = {value}")
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    return (
        f"UPDATE {table} SET {', '.join(assignments)} "  # noqa: S608 - names from the model only
        f"FROM (VALUES {', '.join([row] * rows)}) AS v "
        f"WHERE {table}.{quote(_pk_column(model))} = v.column1"
    )


@cache
def _select_plan(
    model: type[models.Model],
    columns: tuple[str, ...],
    where: str,
    suffix: str,
    for_update: bool,
    also: str = "",
) -> tuple[str, tuple[tuple[tuple[Any, ...], Any], ...]]:
    """The SELECT statement and, for each column, the converters the ORM would apply; `also`
    is selected after the columns (expressions, no converters)."""
    quote = connection.ops.quote_name
    fields = [_field(model, name) for name in columns]
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    selected = ", ".join([*(quote(cast(str, f.column)) for f in fields), *([also] if also else [])])
    sql = (
        f"SELECT {selected} "  # noqa: S608 - model names only
        f"FROM {quote(model._meta.db_table)} WHERE {where}{suffix}{lock}"
    )
    converters = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append((tuple(found), column))
    return sql, tuple(converters)


def select_values(
    model: type[models.Model],
    columns: tuple[str, ...],
    where: str,
    params: Sequence[Any],
    *,
    suffix: str = "",
    for_update: bool = False,
) -> list[tuple[Any, ...]]:
    """Rows of `columns` (field names) as Python values, like `values_list`, without compiling
    a query each time. `where` and `suffix` (ORDER BY, LIMIT) name columns as the table does."""
    sql, converters = _select_plan(model, columns, where, suffix, for_update)
    _send_waiting_writes()  # a read sees what was written before it
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _converted(rows, converters)


def _converted(
    rows: Sequence[Sequence[Any]], converters: tuple[tuple[tuple[Any, ...], Any], ...]
) -> list[tuple[Any, ...]]:
    """The rows with the ORM's converters applied to the columns they plan for."""
    if not any(found for found, _ in converters):
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        values = list(row)
        for position, (found, column) in enumerate(converters):
            for converter in found:
                values[position] = converter(values[position], column, connection)
        converted.append(tuple(values))
    return converted


@cache
def _one_row_sql(model: type[models.Model], columns: tuple[str, ...], sql: str) -> str:
    """`sql`'s rows as one JSON array in one row; for columns that store text or integers as
    they are, what JSON carries exactly (ValueError for others). SQLite's driver gives the
    GIL up for every row it steps to, and under load each time waits to win it back."""
    for name in columns:
        field = _field(model, name)
        stored = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
        if not {str, int} & set(_STORED_AS_IS.get(type(stored), ())):
            raise ValueError("rows read as one JSON array take text and integer columns only")
    names = ", ".join(connection.ops.quote_name(_column(model, name)) for name in columns)
    if connection.vendor == "postgresql":
        return (
            f"SELECT CAST(json_agg(json_build_array({names})) AS text) "  # noqa: S608
            f"FROM ({sql}) AS rows_in_one"
        )
    return f"SELECT json_group_array(json_array({names})) FROM ({sql})"  # noqa: S608


def select_instance_and_rows[M: models.Model](
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    rows_of: type[models.Model],
    columns: tuple[str, ...],
    rows_where: str,
    rows_params: Sequence[Any],
    rows_suffix: str = "",
    also: tuple[str, ...] = (),
) -> tuple[M | None, list[tuple[Any, ...]], tuple[Any, ...]]:
    """The first row matching `where` as a model instance (every concrete field loaded) and,
    in the same statement, the rows of `rows_of` matching `rows_where` (text and integer
    `columns`, as one JSON array) and the values of the expressions `also` (scalar
    subqueries without parameters): one statement where several would each
    take a round trip, and on SQLite give the GIL up and wait to win it back. No row matching
    `where`: (None, [], ())."""
    rows_sql, _ = _select_plan(rows_of, columns, rows_where, rows_suffix, False)
    names, attnames = _concrete_names(model)
    selected = ", ".join([f"({_one_row_sql(rows_of, columns, rows_sql)})", *also])
    sql, converters = _select_plan(model, names, where, " LIMIT 1", False, selected)
    _send_waiting_writes()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, *params])
        found = cursor.fetchone()
    if found is None:
        return None, [], ()
    (values,) = _converted([found[: len(names)]], converters)
    instance = model.from_db(connection.alias, list(attnames), values)
    joined = found[len(names)]
    rows = [tuple(row) for row in json.loads(joined)] if joined else []
    return instance, rows, tuple(found[len(names) + 1 :])


@cache
def _concrete_names(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fields = model._meta.concrete_fields
    return tuple(f.name for f in fields), tuple(f.attname for f in fields)


def select_instance[M: models.Model](
    model: type[M], where: str, params: Sequence[Any], *, for_update: bool = False
) -> M | None:
    """The first row matching `where` as a model instance (every concrete field loaded)."""
    found = select_instances(model, where, params, suffix=" LIMIT 1", for_update=for_update)
    return found[0] if found else None


def select_instances[M: models.Model](
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    suffix: str = "",
    for_update: bool = False,
) -> list[M]:
    """The rows matching `where` as model instances (every concrete field loaded)."""
    names, attnames = _concrete_names(model)
    rows = select_values(model, names, where, params, suffix=suffix, for_update=for_update)
    return [model.from_db(connection.alias, list(attnames), row) for row in rows]


def matching(model: type[models.Model], match: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """`column = %s AND ...` for each field named in `match`, and its values as the fields
    compare them (a date as the backend stores it)."""
    quote = connection.ops.quote_name
    where = " AND ".join(f"{quote(_column(model, name))} = %s" for name in match)
    params = [
        _field(model, name).get_db_prep_value(value, connection) for name, value in match.items()
    ]
    return where, params


def add_to_columns(
    model: type[models.Model],
    match: Mapping[str, Any],
    /,
    *,
    condition: str = "",
    condition_params: Sequence[Any] = (),
    **amounts: Any,
) -> int:
    """`column = column + amount` for each of `amounts` (counters, totals) on the rows whose
    fields equal `match` (and meet `condition`, when given), without reading them first; the
    number of rows changed."""
    quote = connection.ops.quote_name
    columns = tuple(amounts)
    assignments = ", ".join(
        f"{column} = {column} + %s" for column in (quote(_column(model, c)) for c in columns)
    )
    where, params = matching(model, match)
    if condition:
        where = f"{where} AND {condition}"
    _send_waiting_writes()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {where}",  # noqa: S608
            [*_db_values(model, columns, list(amounts.values())), *params, *condition_params],
        )
        return cursor.rowcount
