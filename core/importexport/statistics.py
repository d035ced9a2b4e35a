"""The planner's statistics of a table an import is filling (PostgreSQL).

Each chunk looks its rows up by match keys and unique values
(``customer_code IN (...)``).  A table that grew from nearly empty has no
statistics until autovacuum analyzes it, and a server may run with
autovacuum off or far behind: the planner then takes the table for tiny and
scans it for every lookup, and a 100,000-row import took 127 s instead of
32 s.  So the import runs ``ANALYZE`` itself whenever the rows it added since
the last one reach the table's size then (at least :data:`FIRST_AFTER`):
about log2(rows / 1,000) times, each reading a bounded sample.
"""
from __future__ import annotations

import sqlalchemy as sa

FIRST_AFTER = 1000


class GrowingTable:
    """Call :meth:`grew` after each committed chunk with the number of rows it inserted."""

    def __init__(self, sess, table: sa.Table):
        self.sess, self.table = sess, table
        self.enabled = sess.get_bind().dialect.name == "postgresql"
        self.added = 0
        self.threshold = max(FIRST_AFTER, self.estimated_rows()) if self.enabled else 0

    def estimated_rows(self) -> int:
        """The size the planner believes (-1 or 0 when the table was never analyzed)."""
        return int(self.sess.scalar(sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"),
                                    {"t": self.table.name}) or 0)

    def grew(self, rows: int) -> None:
        if not self.enabled:
            return
        self.added += rows
        if self.added < self.threshold:
            return
        self.sess.execute(sa.text(f'ANALYZE "{self.table.name}"'))
        self.threshold = max(FIRST_AFTER, self.estimated_rows())
        self.sess.commit()
        self.added = 0
