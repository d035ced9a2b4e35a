"""The bulk write path: many new records in one statement, same rules as ``records.create``.

Values come from :func:`core.entities.records.prepare_new` and pass
:func:`core.entities.records.check_values` (with :class:`BatchChecks`
answering from prefetched sets); then one counter update numbers the batch,
one multi-row insert writes it (:func:`insert_rows`), plugins' ``crm_after_save``
runs per record, audit rows go in with one statement (:func:`insert_many`), and
``record_created`` is sent per record unless the import is silent.

On PostgreSQL the rows go in with ``COPY`` (:func:`copy_rows`): no statement
per row to bind and plan, about half the time of an ``executemany`` for the
database, and none of SQLAlchemy's per-row parameter handling in Python.
"""
from __future__ import annotations

import psycopg
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import signals
from core.audit import AuditEntry, change_row
from core.db import session, utcnow
from core.entities import numbering, records as records_service
from core.entities.query import column_for
from core.runtime import runtime
from core.entities.disclosure import taken_message


class BatchChecks:
    """``records.check_values`` answered for a whole batch from a few queries (a ``DatabaseChecks``).

    ``prefetch`` loads, per unique field, which of the batch's values are
    already stored; :meth:`claim` then remembers values taken by earlier rows
    of the same batch, so two rows of one file cannot share a unique value.
    A stored holder is never named, visible or not (an import must not be a
    bulk existence oracle: :mod:`core.entities.disclosure`, rule 4); an
    earlier row of the same file is.
    """

    def __init__(self, entity, visible_ids: dict[str, set[int]] | None = None):
        self.entity = entity
        self.taken: dict[str, set] = {}  # unique values already stored
        self.claimed: dict[str, dict] = {}  # unique value → title of the earlier row that took it
        self.asked: dict[str, set] = {}  # the values prefetch looked up
        self.visible_ids = visible_ids or {}
        self.database = records_service.DatabaseChecks()  # for questions outside the prefetched sets
        self.field_map = self.database.fields(entity)
        self.checked: dict | None = None
        self.allowed: dict[str, set[str]] = {}  # picklist → active values, asked once per batch

    def prefetch(self, values_list: list[dict]) -> None:
        connection = session().connection()  # Core statements: no ORM machinery per lookup
        for f in runtime().registry.fields(self.entity):
            if not f.unique:
                continue
            wanted = list({v[f.name] for v in values_list if v.get(f.name) not in (None, "", [])})
            found: set = set()
            col = column_for(self.entity, f)
            for start in range(0, len(wanted), 500):
                found.update(connection.scalars(sa.select(col).where(col.in_(wanted[start:start + 500]))))
            self.taken[f.name] = found
            self.asked[f.name] = set(wanted)
            self.claimed.setdefault(f.name, {})

    def fields(self, entity) -> dict:
        return self.field_map if entity is self.entity else self.database.fields(entity)

    def checked_fields(self, entity) -> dict:
        if entity is not self.entity:
            return self.database.checked_fields(entity)
        if self.checked is None:
            self.checked = self.database.checked_fields(entity)  # asked once per chunk
        return self.checked

    def allowed_values(self, picklist: str) -> set[str]:
        if picklist not in self.allowed:
            self.allowed[picklist] = self.database.allowed_values(picklist)
        return self.allowed[picklist]

    def reference_visible(self, target, value, user) -> bool:
        if value in self.visible_ids.get(target.name, ()):
            return True
        return self.database.reference_visible(target, value, user)

    def duplicate_of(self, entity, f, value, record_id, user):
        claimed = self.claimed.get(f.name, {})
        if value in claimed:
            return taken_message(claimed[value])
        if value in self.asked.get(f.name, ()):
            return taken_message() if value in self.taken[f.name] else None
        # not prefetched (a row prepared after the prefetch): ask the database, still without a name
        return taken_message() if self.database.duplicate_of(entity, f, value, record_id, user) else None

    def claim(self, values: dict) -> None:
        title = str(values.get(self.entity.title_field) or "")
        for name, claimed in self.claimed.items():
            if values.get(name) not in (None, "", []):
                claimed.setdefault(values[name], title or str(values[name]))


def create_many(entity, values_list: list[dict], user, *, silent: bool = False) -> list[dict]:
    """Insert validated new records; returns them as record dicts (with ids), in order."""
    if not values_list:
        return []
    sess = session()
    fields = runtime().registry.fields(entity)
    now = utcnow()
    numbers = numbering.next_numbers(sess, entity, len(values_list)) if entity.numbering else [None] * len(values_list)
    plan = records_service.NewRowPlan(fields)
    rows = [records_service.new_row(entity, fields, values, user, now, number, plan)
            for values, number in zip(values_list, numbers)]
    ids = insert_rows(sess, entity.table, rows)
    shape = RecordShape(entity, fields)
    records = [shape.record(record_id, row, values) for record_id, row, values in zip(ids, rows, values_list)]
    after_save = runtime().batch_hook("crm_after_save")
    for record in records:
        after_save(entity=entity, record=record, old=None, user=user, session=sess)
    insert_many(sess, AuditEntry.__table__, [dict(change_row("create", entity, r, user), at=now) for r in records])
    if not silent and signals.record_created.receivers:
        for record in records:
            signals.record_created.send(entity.name, entity=entity, record=record, user=user, session=sess)
    return records


def insert_rows(sess, table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` with one statement; their new ids, in order.  A column some row does not name is
    NULL in that row (not the column's default).

    PostgreSQL: the ids are drawn from the table's sequence with one query,
    then the rows go in with one ``COPY`` (:func:`copy_rows`).  SQLite cannot sort ``RETURNING`` rows, so SQLAlchemy
    would insert row by row (most of an import's database time); there the ids
    are given explicitly: the transaction holds SQLite's only write lock
    (``BEGIN IMMEDIATE``, :mod:`core.db`) and ``max(id) + 1, ...`` is what
    SQLite itself would choose.  The rows go through a temporary table and one
    ``INSERT ... SELECT``: the free-text index's triggers (:mod:`core.search_index`)
    then run within one statement, about three times cheaper than in one
    statement per row.  The temporary table is filled with one driver-level
    ``executemany`` of ready parameter tuples (:func:`bound_rows`).
    """
    columns = list(dict.fromkeys(key for row in rows for key in row))
    dialect = sess.get_bind().dialect.name
    if dialect == "postgresql":
        ids = sess.execute(sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                           {"table": table.name, "n": len(rows)}).scalars().all()
        copy_rows(sess, table, [dict({c: row.get(c) for c in columns}, id=record_id)
                                for row, record_id in zip(rows, ids)])
        return ids
    if dialect != "sqlite":
        return sess.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
                            [{c: row.get(c) for c in columns} for row in rows]).scalars().all()
    conn = sess.connection()
    first = (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    ids = list(range(first, first + len(rows)))
    staging = f"{table.name}_staging"
    names = ", ".join(f'"{c}"' for c in ["id", *columns])
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS temp."{staging}"')
    conn.exec_driver_sql(f'CREATE TEMP TABLE "{staging}" AS SELECT {names} FROM main."{table.name}" WHERE 0')
    params = bound_rows(conn.dialect, table, columns, rows, dict.fromkeys(columns, none))
    conn.exec_driver_sql(f'INSERT INTO temp."{staging}" ({names}) VALUES ({", ".join("?" * (len(columns) + 1))})',
                         [(record_id, *values) for record_id, values in zip(ids, params)])
    conn.exec_driver_sql(f'INSERT INTO main."{table.name}" ({names}) SELECT {names} FROM temp."{staging}"')
    conn.exec_driver_sql(f'DROP TABLE temp."{staging}"')
    return ids


def insert_many(sess, table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts, keys may differ between rows; a column a row does not name gets its Python-side
    default): ``COPY`` on PostgreSQL, one driver-level ``executemany`` on SQLite (:func:`bound_rows`)."""
    if not rows:
        return
    dialect = sess.get_bind().dialect.name
    if dialect == "postgresql":
        copy_rows(sess, table, rows)
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    defaults = {name: default_of(table.c[name]) for name in columns}
    if dialect == "sqlite":
        conn = sess.connection()
        names = ", ".join(f'"{c}"' for c in columns)
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})',
                             bound_rows(conn.dialect, table, columns, rows, defaults))
        return
    sess.execute(sa.insert(table), [{name: row[name] if name in row else defaults[name]() for name in columns}
                                    for row in rows])  # one statement needs the same keys in every row


def bound_rows(dialect, table, columns: list[str], rows: list[dict], fill: dict) -> list[tuple]:
    """The rows as driver parameter tuples: each value through its column's bind processing, as SQLAlchemy's
    own ``INSERT`` would do it (UTC timestamps, JSON, dates; ``None`` included, as it does), without its
    per-row statement machinery.  ``fill[name]()`` gives the value of a column a row does not name.

    Worked column by column; a value identical to the one before it in its column (the batch's timestamp,
    its user, a ``None``) is processed once.
    """
    processed = []
    for name in columns:
        missing = fill[name]
        values = ([row.get(name) for row in rows] if missing is none
                  else [row[name] if name in row else missing() for row in rows])
        process = table.c[name].type._cached_bind_processor(dialect)
        if process is not None:
            out, last_in, last_out = [], object(), None
            for value in values:
                if value is not last_in:
                    last_in, last_out = value, process(value)
                out.append(last_out)
            values = out
        processed.append(values)
    return list(zip(*processed))


def none():
    return None


def copy_rows(sess, table, rows: list[dict]) -> None:
    """PostgreSQL: ``rows`` into ``table`` with one ``COPY ... FROM STDIN`` in the session's transaction.

    Values pass the columns' own bind processing (UTC timestamps, JSON) as in
    an ``INSERT``; a column missing from a row gets its Python-side default, or
    NULL; columns no row names get the database's defaults (the id sequence).
    A unique or foreign-key violation raises SQLAlchemy's ``IntegrityError``,
    as the ``INSERT`` would, so callers' savepoint fallbacks work alike.
    """
    conn = sess.connection()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    processors = [table.c[name].type._cached_bind_processor(conn.dialect) for name in columns]
    defaults = {name: default_of(table.c[name]) for name in columns}
    names = ", ".join(f'"{name}"' for name in columns)
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                values = [row[name] if name in row else defaults[name]() for name in columns]
                copy.write_row([v if fn is None or v is None else fn(v) for v, fn in zip(values, processors)])
    except psycopg.errors.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc
    finally:
        cursor.close()


def default_of(column):
    """A callable giving ``column``'s Python-side default for a row that does not name it (None without one)."""
    default = column.default
    if default is None:
        return none
    if default.is_callable:
        return lambda: default.arg(None)
    return lambda: default.arg


class RecordShape:
    """The record dict ``records.fetch`` would return, built from what was just inserted (asked once per batch)."""

    STANDARD = ("version", "created_at", "updated_at", "created_by_id", "updated_by_id")

    def __init__(self, entity, fields):
        self.numbering, self.owned = bool(entity.numbering), bool(entity.owned)
        self.names = [f.name for f in fields]
        self.lists = {f.name for f in fields if f.type == "multipicklist"}  # empty is [], not None

    def record(self, record_id: int, row: dict, values: dict) -> dict:
        record = {"id": record_id}
        if self.numbering:
            record["number"] = row.get("number")
        if self.owned:
            record["owner_id"] = row.get("owner_id")
        get, lists = values.get, self.lists
        for name in self.names:
            value = get(name)
            if value is None or value == "":
                value = [] if name in lists else None
            record[name] = value
        for name in self.STANDARD:
            record[name] = row[name]
        record["deleted_at"] = None
        return record

