"""What running workers do about once an hour besides jobs.

* Keeping the job table small: finished (``done``) jobs are deleted after ``job_keep_days``.
  Dead jobs are kept until an administrator retries them: they are the visible record of what
  failed.  Set ``job_keep_days`` in ``config.toml`` (default 30).
* Keeping SQLite's planner statistics current (:func:`refresh_statistics`).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.db import run_outside_transaction
from core.jobs.models import DONE, Job

DEFAULT_KEEP_DAYS = 30
PRUNE_EVERY_SECONDS = 3600
#: Rows SQLite's ANALYZE reads per index (``PRAGMA analysis_limit``): a sample, so refreshing the
#: statistics of a million-row table takes milliseconds instead of a second.
ANALYSIS_LIMIT = 1000


def keep_days(settings) -> int:
    return int(settings.extra.get("job_keep_days", DEFAULT_KEEP_DAYS))


def prune_done(Session, days: int) -> int:
    """Delete jobs that ended ``done`` more than ``days`` ago; returns how many."""
    cutoff = clock.now() - dt.timedelta(days=days)
    with Session() as sess, sess.begin():
        result = sess.execute(sa.delete(Job).where(Job.status == DONE, Job.finished_at < cutoff)
                              .execution_options(synchronize_session=False))
        return result.rowcount


def refresh_statistics(engine: sa.Engine) -> None:
    """SQLite: refresh the query planner's statistics (``ANALYZE`` over a sample of each index).

    Without statistics SQLite's planner guesses, and two equally plausible indexes can make a list
    page 8x slower: at 1,000,000 accounts the status filter in id order took 100 ms through the
    ``(status, name)`` index and 13 ms scanning in id order, and which one a database got depended on
    the file.  PostgreSQL keeps its own (autovacuum; an import analyzes the table it fills,
    :mod:`core.importexport.statistics`).
    """
    run_outside_transaction(engine, f"PRAGMA analysis_limit={ANALYSIS_LIMIT}", "ANALYZE")
