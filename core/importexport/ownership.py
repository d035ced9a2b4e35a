"""Who runs an import, and how a crashed one is found again.

Every import batch is owned through its ``core.import`` job (:mod:`core.jobs`).
A large file's job is claimed by a worker; a small file is imported within the
web request (or by ``plugcrm import``), which creates the job already claimed
by itself (:func:`claim_inline`).  Either way the runner holds the job's lease,
and each chunk of rows begins with :meth:`ImportLease.hold`: it renews the
lease and checks that this runner still holds it, so a runner that lost its
lease stops before it writes.  The chunk commits its rows together with the
batch's counters and ``done`` (the checkpoint).  A runner that dies leaves the
lease to expire; a worker claims the job again and resumes the batch after its
last committed chunk.  If the job runs out of attempts, :func:`settle` marks
the batch failed, and undo removes what it committed.

Concurrent imports into one entity that match duplicates would each look up
a key before the other's row is committed; :func:`serialise` makes their
chunks take turns (a transaction-scoped advisory lock on PostgreSQL; SQLite
has one writer anyway, and the lease update has taken its write lock).
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_babel import gettext as _

from core import clock
from core.db import session, utcnow
from core.importexport.models import FAILED, QUEUED, RUNNING, ImportBatch
from core.jobs import DEAD, Job, enqueue
from core.jobs.models import RUNNING as JOB_RUNNING
from core.jobs.runner import mark_done
from core.jobs.worker import worker_name

JOB_TYPE = "core.import"
#: A crash (killed worker, lost machine) costs an attempt; each attempt resumes where the last one stopped.
MAX_ATTEMPTS = 3


class LeaseLost(Exception):
    """Another runner took over this import (ours was silent longer than the lease): stop, write nothing."""


class ImportLease:
    """The right to write the next chunk of an import: its job, held by ``holder``."""

    def __init__(self, job_id: int, holder: str, *, inline: bool):
        self.job_id, self.holder, self.inline = job_id, holder, inline

    @classmethod
    def of_job(cls, job_id: int) -> "ImportLease":
        """The lease of a job this process's worker has just claimed (the worker marks it done)."""
        holder = session().scalar(sa.select(Job.locked_by).where(Job.id == job_id))
        return cls(job_id, holder or "", inline=False)

    def held(self):
        return sa.update(Job).where(Job.id == self.job_id, Job.locked_by == self.holder, Job.status == JOB_RUNNING)

    def hold(self, sess) -> None:
        """Renew the lease within the current transaction (and lock the job row), or raise :class:`LeaseLost`."""
        result = sess.execute(self.held().values(locked_at=clock.now()).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise LeaseLost(f"import job {self.job_id} is no longer held by {self.holder}")

    def release(self, sess) -> None:
        """End the job of an import this process ran inline (the outcome is on the batch); a worker's job
        is marked done by the worker."""
        if self.inline:
            mark_done(sess, self.job_id, self.holder)


def enqueue_job(batch: ImportBatch) -> int:
    batch.job_id = enqueue(JOB_TYPE, {"import_id": batch.id}, max_attempts=MAX_ATTEMPTS)
    return batch.job_id


def claim_inline(batch: ImportBatch) -> ImportLease:
    """Give ``batch`` a job claimed by this process, which imports it now; the caller commits.

    If this process dies, the lease expires and a worker resumes the import.
    """
    job_id = enqueue_job(batch)
    holder, now = worker_name("inline"), clock.now()
    session().execute(sa.update(Job).where(Job.id == job_id)
                      .values(status=JOB_RUNNING, locked_by=holder, locked_at=now, started_at=now, attempts=1)
                      .execution_options(synchronize_session=False))
    return ImportLease(job_id, holder, inline=True)


def lock_key(entity_name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    digest = hashlib.blake2b(f"plugcrm.import:{entity_name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def serialise(sess, entity_name: str) -> None:
    """Wait until no other import is writing a chunk into ``entity_name`` (until this transaction ends)."""
    if sess.get_bind().dialect.name == "postgresql":
        sess.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_key(entity_name))))


def settle(batch: ImportBatch) -> bool:
    """Mark an unfinished batch whose job is dead (it crashed on every attempt) failed; True if it did.

    What its committed chunks wrote stays, counted, and can be undone.
    """
    if batch.status not in (QUEUED, RUNNING) or batch.job_id is None:
        return False
    status = session().scalar(sa.select(Job.status).where(Job.id == batch.job_id))
    if status not in (DEAD, None):
        return False
    batch.status, batch.finished_at = FAILED, utcnow()
    batch.message = _("The import stopped after %(done)s rows and could not be resumed; undo removes what it "
                      "imported.", done=f"{batch.done or 0:,}")
    return True
