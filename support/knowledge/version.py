"""The knowledge base's version: one row that the database's own triggers change with every
insert, update and delete of an article, a translation or a search entry, bulk SQL included.

Every answer asks whether the index and the help centre changed since this process read them;
one primary-key read answers that, where aggregates over every entry grew with the help
centre. Each change also draws a new random token: a change rolled back takes the count back,
and the next change must not then look like the one rolled back (a process may have read the
index inside that transaction).

SQLite drops a table's triggers when Django rebuilds the table in a migration, so the triggers
are installed again after every `migrate` (see apps.py); installing is idempotent."""

from __future__ import annotations

from typing import Any

VERSION_TABLE = "knowledge_version"
WATCHED_TABLES = (
    "knowledge_knowledgearticle",
    "knowledge_articletranslation",
    "knowledge_searchentry",
)

_CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ("
    "id integer PRIMARY KEY CHECK (id = 1), changes bigint NOT NULL, token bigint NOT NULL)"
)
_FIRST_ROW = {
    "sqlite": f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, changes, token) VALUES (1, 0, 0)",  # noqa: S608
    "postgresql": (
        f"INSERT INTO {VERSION_TABLE} (id, changes, token) VALUES (1, 0, 0) "  # noqa: S608
        "ON CONFLICT (id) DO NOTHING"
    ),
}
_SQLITE_BUMP = f"UPDATE {VERSION_TABLE} SET changes = changes + 1, token = random() WHERE id = 1"  # noqa: S608
_POSTGRES_BUMP = "knowledge_version_bump()"
_POSTGRES_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION {_POSTGRES_BUMP} RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
    f"BEGIN UPDATE {VERSION_TABLE} SET changes = changes + 1, "
    "token = floor(random() * 9007199254740991)::bigint WHERE id = 1; RETURN NULL; END $$"
)


def _sqlite_triggers() -> list[tuple[str, str, str]]:
    """(name, table, operation) of each SQLite trigger."""
    return [
        (f"knowledge_version_{table}_{operation.lower()}", table, operation)
        for table in WATCHED_TABLES
        for operation in ("INSERT", "UPDATE", "DELETE")
    ]


def _postgres_trigger(table: str) -> str:
    """The name of the PostgreSQL trigger on `table`."""
    return f"knowledge_version_{table}"


def _trigger_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        # Row triggers only: an article's reindex bumps once per entry, which is cheap.
        return [
            f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {operation} ON {table} "
            f"BEGIN {_SQLITE_BUMP}; END"
            for name, table, operation in _sqlite_triggers()
        ]
    if vendor == "postgresql":
        return [_POSTGRES_FUNCTION] + [
            f"CREATE OR REPLACE TRIGGER {_postgres_trigger(table)} "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_POSTGRES_BUMP}"
            for table in WATCHED_TABLES
        ]
    raise NotImplementedError(f"no knowledge version triggers for {vendor}")


def install(connection: Any) -> None:
    """Create the version row and its triggers where missing (after every migrate)."""
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_TABLE)
        cursor.execute(_FIRST_ROW[connection.vendor])
        for statement in _trigger_statements(connection.vendor):
            cursor.execute(statement)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, _, _ in _sqlite_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for table in WATCHED_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_postgres_trigger(table)} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {_POSTGRES_BUMP}")
        cursor.execute(f"DROP TABLE IF EXISTS {VERSION_TABLE}")


# The version as two expressions another statement can select (one trip where two would go).
VERSION_EXPRESSIONS = tuple(
    f"(SELECT {column} FROM {VERSION_TABLE} WHERE id = 1)"  # noqa: S608
    for column in ("changes", "token")
)


def version_of(values: tuple[Any, ...]) -> tuple[int, int]:
    """The version from the values of VERSION_EXPRESSIONS, as `knowledge_version` gives it."""
    changes, token = values
    return (int(changes), int(token))


def knowledge_version(connection: Any) -> tuple[int, int]:
    """(changes, token): different after any change to the knowledge base, rolled back or not."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT changes, token FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return version_of(row)
