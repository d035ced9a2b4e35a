"""The text index behind free-text search on ``search_text``.

PostgreSQL: a ``pg_trgm`` GIN index, partial over the live rows like the other list indexes, which
serves ``search_text LIKE '%term%'`` as it is.  SQLite: an external-content FTS5 table with the
``trigram`` tokenizer (``<table>_fts``, rowid = the record's id, every row including the recycle bin),
kept in step by triggers on the entity table, so every write path (the record service, bulk import's
executemany, purge, raw SQL) updates it.  A trigram index can only answer terms of 3+ characters.

The index is derived from the declarations, not written into each plugin's migrations: ``ensure``
runs after ``metadata.create_all`` (an ``after_create`` event on every entity table) and after every
``plugcrm db upgrade`` for every enabled entity table, so tables of third-party plugins get it too, and
triggers lost when Alembic's batch mode copies a SQLite table are put back.  It stays out of the
metadata; :func:`is_search_index_object` keeps autogenerate from proposing to drop it.
"""
from __future__ import annotations

import sqlalchemy as sa

from core.db import index_name

MIN_INDEXED_TERM = 3  # a trigram index cannot find anything shorter
FTS_SUFFIX = "_fts"
FTS_SHADOW_SUFFIXES = ("", "_data", "_idx", "_docsize", "_config", "_content")
TRIGGER_EVENTS = ("insert", "delete", "update")


def fts_name(table_name: str) -> str:
    return f"{table_name}{FTS_SUFFIX}"


def trigram_index_name(table_name: str) -> str:
    return index_name(f"ix_{table_name}_search_text_live")


def attach(table: sa.Table) -> None:
    """Create the index with the table in ``metadata.create_all`` and drop it in ``drop_all``."""
    sa.event.listen(table, "after_create", lambda target, connection, **kw: ensure(connection, target.name))
    sa.event.listen(table, "after_drop", lambda target, connection, **kw: drop(connection, target.name))


def ensure(conn: sa.Connection, table_name: str) -> None:
    """Create whatever is missing of ``table_name``'s search index (and fill it)."""
    if conn.dialect.name == "postgresql":
        _ensure_trigram_index(conn, table_name)
    elif conn.dialect.name == "sqlite":
        _ensure_fts(conn, table_name)


def drop(conn: sa.Connection, table_name: str) -> None:
    if conn.dialect.name == "sqlite":
        fts = fts_name(table_name)
        for event in TRIGGER_EVENTS:
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{fts}_{event}"')
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{fts}"')
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{trigram_index_name(table_name)}"')


def rebuild(conn: sa.Connection, table_name: str) -> None:
    """Re-read every row into the SQLite FTS table (PostgreSQL's index follows the rows by itself)."""
    if conn.dialect.name == "sqlite":
        fts = fts_name(table_name)
        conn.exec_driver_sql(f"INSERT INTO \"{fts}\"(\"{fts}\") VALUES ('rebuild')")


def indexed_condition(table: sa.Table, terms: list[str], dialect_name: str):
    """A condition narrowing ``table`` to rows whose search text may contain every term, or None.

    SQLite: ``id IN (rows of the FTS table matching the terms of 3+ characters)``.  PostgreSQL needs
    none: its trigram index serves the ``LIKE`` conditions themselves.  The caller keeps the ``LIKE``
    conditions either way; they decide the result, the index only spares reading the other rows.
    """
    if dialect_name != "sqlite":
        return None
    indexable = [t for t in terms if len(t) >= MIN_INDEXED_TERM]
    if not indexable:
        return None
    name = fts_name(table.name)
    fts = sa.table(name, sa.column("rowid"), sa.column(name))
    query = " ".join(fts_phrase(t) for t in indexable)  # FTS5: phrases side by side must all match
    return table.c.id.in_(sa.select(fts.c.rowid).where(fts.c[name].match(query)))


def fts_phrase(term: str) -> str:
    """``term`` as one FTS5 string: never an operator, a column filter or a syntax error."""
    return '"' + term.replace('"', '""') + '"'


def _ensure_trigram_index(conn: sa.Connection, table_name: str) -> None:
    if sa.inspect(conn).has_index(table_name, trigram_index_name(table_name)):
        return
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    conn.exec_driver_sql(f'CREATE INDEX "{trigram_index_name(table_name)}" ON "{table_name}" '
                         f"USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL")


def _ensure_fts(conn: sa.Connection, table_name: str) -> None:
    fts = fts_name(table_name)
    created = not _sqlite_has_table(conn, fts)
    if created:
        conn.exec_driver_sql(f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5(search_text, content='{table_name}', "
                             f"content_rowid='id', tokenize='trigram')")
    add = f'INSERT INTO "{fts}"(rowid, search_text) VALUES (new.id, new.search_text);'
    remove = f"INSERT INTO \"{fts}\"(\"{fts}\", rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    triggers = {
        "insert": f"AFTER INSERT ON \"{table_name}\" BEGIN {add} END",
        "delete": f"AFTER DELETE ON \"{table_name}\" BEGIN {remove} END",
        "update": f"AFTER UPDATE OF search_text ON \"{table_name}\" "
                  f"WHEN old.search_text IS NOT new.search_text BEGIN {remove} {add} END",
    }
    for event, body in triggers.items():
        conn.exec_driver_sql(f'CREATE TRIGGER IF NOT EXISTS "{fts}_{event}" {body}')
    if created:
        rebuild(conn, table_name)  # rows that were there before the index


def _sqlite_has_table(conn: sa.Connection, name: str) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (name,)).first() is not None


def is_search_index_object(obj, name: str | None, type_: str) -> bool:
    """True for the FTS tables and the trigram index (an Alembic ``include_object`` test).

    They live outside the metadata on purpose, so autogenerate must neither drop nor compare them.
    """
    if not name:
        return False
    if type_ == "index":
        return name == trigram_index_name(obj.table.name)
    if type_ == "table":
        return any(name.endswith(FTS_SUFFIX + suffix) for suffix in FTS_SHADOW_SUFFIXES)
    return False
