"""Keeping the job table small: finished (``done``) jobs are deleted after ``job_keep_days``.

Dead jobs are kept until an administrator retries them: they are the
visible record of what failed.  Set ``job_keep_days`` in ``config.toml``
(default 30); running workers prune about once an hour.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.jobs.models import DONE, Job

DEFAULT_KEEP_DAYS = 30
PRUNE_EVERY_SECONDS = 3600


def keep_days(settings) -> int:
    return int(settings.extra.get("job_keep_days", DEFAULT_KEEP_DAYS))


def prune_done(Session, days: int) -> int:
    """Delete jobs that ended ``done`` more than ``days`` ago; returns how many."""
    cutoff = clock.now() - dt.timedelta(days=days)
    with Session() as sess, sess.begin():
        result = sess.execute(sa.delete(Job).where(Job.status == DONE, Job.finished_at < cutoff)
                              .execution_options(synchronize_session=False))
        return result.rowcount
