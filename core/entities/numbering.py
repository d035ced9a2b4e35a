"""Record numbers such as ``OPP-202611-0042``.

The counter is per *resolved prefix*, so ``{YYYY}`` restarts it every year.  It
is advanced with a single ``UPDATE ... RETURNING`` inside the record's own
transaction: the row lock serialises concurrent creates (no duplicates), and a
rolled-back create rolls the counter back too (no gaps).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.i18n import local_today
from core.entities.models import NumberCounter, NumberingFormat

TOKEN_RE = re.compile(r"\{(YYYY|YY|MM|DD|#+)\}")


def validate_format(fmt: str) -> str | None:
    """An error message, or None when ``fmt`` is usable."""
    counters = re.findall(r"\{#+\}", fmt)
    if len(counters) != 1:
        return "needs exactly one counter such as {####}"
    if re.sub(TOKEN_RE, "", fmt).count("{"):
        return "unknown token; use {YYYY} {YY} {MM} {DD} {####}"
    if len(fmt) > 60:
        return "at most 60 characters"
    return None


def format_for(sess, entity) -> str | None:
    override = sess.get(NumberingFormat, entity.name)
    return override.format if override else entity.numbering


def next_number(sess, entity) -> str | None:
    fmt = format_for(sess, entity)
    if not fmt:
        return None
    return issue_number(sess, entity.name, fmt, local_today())


def issue_number(sess, scope: str, fmt: str, day: dt.date) -> str:
    """The next number of ``fmt`` dated ``day`` (a customer code from its registration date).

    The counter is kept per ``scope`` and resolved prefix, like :func:`next_number`.
    """
    return issue_numbers(sess, scope, fmt, day, 1)[0]


def next_numbers(sess, entity, count: int) -> list[str | None]:
    """``count`` consecutive numbers of today with one counter update (the importer's bulk path)."""
    fmt = format_for(sess, entity)
    if not fmt or count < 1:
        return [None] * max(count, 0)
    return issue_numbers(sess, entity.name, fmt, local_today(), count)


def issue_numbers(sess, scope: str, fmt: str, day: dt.date, count: int) -> list[str]:
    key, before, width, after = resolved(fmt, day)
    last = advance(sess, scope + ":" + key, count)
    return [before + str(value).zfill(width) + after for value in range(last - count + 1, last + 1)]


@functools.lru_cache(maxsize=512)
def resolved(fmt: str, day: dt.date) -> tuple[str, str, int, str]:
    """``fmt`` on ``day``: the counter's key and the text before and after its counter (and the counter's width).

    Asked once per format and day, not once per number (an import numbers thousands of records).
    """
    parts = {"YYYY": f"{day.year:04d}", "YY": f"{day.year % 100:02d}",
             "MM": f"{day.month:02d}", "DD": f"{day.day:02d}"}
    key = TOKEN_RE.sub(lambda m: parts.get(m.group(1), "{#}"), fmt)
    counter = re.search(r"\{(#+)\}", fmt)
    if counter is None:  # no counter (validate_format refuses such formats): every number is the same text
        return key, key, 0, ""
    dates = (lambda text: TOKEN_RE.sub(lambda m: parts[m.group(1)], text))
    return key, dates(fmt[:counter.start()]), len(counter.group(1)), dates(fmt[counter.end():])


@contextmanager
def reserved_blocks(sess, size: int = 1000):
    """Within this block, counters advance ``size`` numbers per ``UPDATE`` (bulk imports).

    Numbers are handed out from the reserved block; on leaving, the unused
    rest is given back.  The counter rows stay locked by the transaction in
    between (PostgreSQL row lock, SQLite write lock), so nobody else can move
    them: numbers stay consecutive, without gaps or collisions.  Inside a
    savepoint counters advance directly (a rolled-back savepoint must not
    leave the block ahead of the counter).  Leave the block before committing.
    """
    blocks: dict[str, list[int]] = {}
    sess.info["crm_number_blocks"] = (blocks, size)
    try:
        yield
    finally:
        sess.info.pop("crm_number_blocks", None)
        table = NumberCounter.__table__
        unused = [{"counter": key, "unused": last - next_value + 1}
                  for key, (next_value, last) in blocks.items() if next_value <= last]
        if unused:  # one executemany: a chunk of accounts registered on many days has a counter per day
            sess.execute(sa.update(table).where(table.c.key == sa.bindparam("counter"))
                         .values(value=table.c.value - sa.bindparam("unused")), unused)


def advance(sess, key: str, by: int = 1) -> int:
    """Move the counter ``by`` steps and return its new (last issued) value."""
    reserved = sess.info.get("crm_number_blocks")
    if reserved is None or sess.in_nested_transaction():  # a savepoint may roll back: no blocks there
        return advance_stored(sess, key, by)
    blocks, size = reserved
    block = blocks.get(key)
    if block is None or block[0] + by - 1 > block[1]:
        last = advance_stored(sess, key, max(by, size))
        block = blocks[key] = [block[0] if block else last - max(by, size) + 1, last]
    block[0] += by
    return block[0] - 1


def advance_stored(sess, key: str, by: int) -> int:
    table = NumberCounter.__table__
    conn = sess.connection()  # Core statements on the session's transaction: no ORM machinery per counter
    value = conn.execute(sa.update(table).where(table.c.key == key)
                         .values(value=table.c.value + by).returning(table.c.value)).scalar()
    if value is None:
        conn.execute(_insert_ignore(sess, table).values(key=key, value=0))
        value = conn.execute(sa.update(table).where(table.c.key == key)
                             .values(value=table.c.value + by).returning(table.c.value)).scalar()
    return value


def _insert_ignore(sess, table):
    insert = postgresql.insert if sess.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=["key"])
