"""Claiming and running one job: the part every worker (thread, process, test) shares.

Claiming is a short transaction of its own: on PostgreSQL the due row is
selected ``FOR UPDATE SKIP LOCKED`` so concurrent workers never take the same
job; on SQLite every worker transaction begins ``IMMEDIATE`` (see :mod:`core.db`),
which is the lock.  A job stays ``running`` under the worker's name with a
lease (``locked_at``) that a heartbeat renews while it runs; if the worker dies,
the next claim after the lease has expired takes the job again.

A plain handler runs in a fresh app context, and the job is marked ``done`` in
the handler's own transaction, so its database writes and the ``done`` mark
commit together (a worker that lost its lease rolls back).  An
:class:`~core.jobs.IOJob` never holds a transaction across its network I/O:
prepare and the "sending" mark commit, the send runs with no transaction open,
and the ``done`` mark commits right after it, on a fresh connection if the old
one died.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from dataclasses import dataclass
from functools import partial

import sqlalchemy as sa
from flask import g

from core import clock
from core.db import retryable_error, session
from core.jobs import IOJob, JobContext, PermanentJobError, heartbeat, idempotency_key
from core.jobs.models import DEAD, DONE, FAILED, RUNNING, WAITING, Job
from core.jobs.redact import error_line, mask_text

log = logging.getLogger("plugcrm.jobs")

RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 3600
PROGRESS_EVERY_SECONDS = 0.5
ERROR_MAX_CHARS = 4000
#: Pauses before trying again to record an I/O job's outcome when the database connection was lost.
RECORD_RETRY_SECONDS = (0.5, 2.0, 5.0)


@dataclass
class Claimed:
    id: int
    type: str
    payload: dict
    attempt: int
    max_attempts: int
    created_at: dt.datetime
    in_doubt: bool = False


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff after failed attempt number ``attempt``: 10 s, 20 s, 40 s ... capped at 1 h."""
    return dt.timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** (attempt - 1), RETRY_MAX_SECONDS))


def due_condition(cutoff: dt.datetime, lease_seconds: int, now: dt.datetime | None = None):
    """Waiting jobs due by ``cutoff``, and running jobs whose lease ran out before ``now`` (default: cutoff)."""
    stale = (now or cutoff) - dt.timedelta(seconds=lease_seconds)
    return sa.or_(sa.and_(Job.status.in_(WAITING), Job.run_at <= cutoff),
                  sa.and_(Job.status == RUNNING, Job.locked_at < stale))


def claim(Session, worker_id: str, cutoff: dt.datetime, lease_seconds: int) -> Claimed | None:
    """Take the next due job (or one whose worker's lease expired) and mark it running.

    One ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``
    per claim: a single round trip that concurrent workers cannot both win.
    Waiting jobs count if due by ``cutoff`` (a pass of :class:`~core.jobs.worker.Worker`
    runs each at most once); expired leases are judged by the time of this claim.
    """
    while True:
        with Session() as sess, sess.begin():
            now = clock.now()
            pick = (sa.select(Job.id).where(due_condition(cutoff, lease_seconds, max(now, cutoff)))
                    .order_by(Job.run_at, Job.id).limit(1))
            if sess.get_bind().dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            row = sess.execute(
                sa.update(Job).where(Job.id == pick.scalar_subquery())
                .values(status=RUNNING, locked_by=worker_id, locked_at=now, started_at=now, attempts=Job.attempts + 1)
                .returning(Job.id, Job.type, Job.payload, Job.attempts, Job.max_attempts, Job.created_at,
                           Job.sending_since)
                .execution_options(synchronize_session=False)).first()
            if row is None:
                return None
            if row.attempts > row.max_attempts:  # its worker died during the last allowed attempt
                job = sess.get(Job, row.id)
                end_dead(job, "the worker running it stopped before it finished (lease expired)")
                log.error("job %s (%s) dead: %s", row.id, row.type, job.last_error)
                continue
            log.info("job %s (%s) claimed by %s, attempt %s/%s", row.id, row.type, worker_id, row.attempts,
                     row.max_attempts)
            return Claimed(row.id, row.type, dict(row.payload or {}), row.attempts, row.max_attempts,
                           row.created_at, in_doubt=row.sending_since is not None)


def end_dead(job: Job, error: str) -> None:
    job.status, job.last_error, job.finished_at = DEAD, error[:ERROR_MAX_CHARS], clock.now()
    job.locked_by = job.locked_at = job.dedupe_key = job.sending_since = None


def execute(app, claimed: Claimed, table: dict, worker_id: str) -> str:
    """Run a claimed job's handler and record the outcome; returns the job's new status.

    A heartbeat renews the job's lease every third of ``job_lease_seconds`` while it runs.
    """
    runtime = app.extensions["plugcrm"]
    renew = partial(renew_lease, runtime.engine, claimed.id, worker_id)
    handler = table.get(claimed.type)
    ctx = JobContext(claimed.id, claimed.attempt, ProgressReporter(app, claimed.id, worker_id),
                     idempotency_key=idempotency_key(runtime.settings.secret_key, claimed.id, claimed.created_at),
                     in_doubt=claimed.in_doubt)
    with heartbeat(renew, runtime.settings.job_lease_seconds / 3, name=f"plugcrm-lease-{claimed.id}"):
        if isinstance(handler, IOJob):
            return run_io(app, claimed, handler, ctx, worker_id)
        return run_in_transaction(app, claimed, handler, ctx, worker_id)


def renew_lease(engine, job_id: int, worker_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(owned(job_id, worker_id).values(locked_at=clock.now()))


def run_in_transaction(app, claimed: Claimed, handler, ctx: JobContext, worker_id: str) -> str:
    """A plain handler: its writes and the ``done`` mark commit together."""
    with app.app_context():
        sess = session()
        try:
            if handler is None:
                raise PermanentJobError(f"no handler for job type {claimed.type!r} (is its plugin enabled?)")
            handler(claimed.payload, ctx)
            ctx.flush_progress()
            if not mark_done(sess, claimed.id, worker_id):
                sess.rollback()
                log.warning("job %s: lease lost while running; its work was rolled back", claimed.id)
                return RUNNING
            sess.commit()
            log.info("job %s (%s) done", claimed.id, claimed.type)
            return DONE
        except Exception as exc:  # the handler's failure is data: record it, never crash the worker
            return fail(sess, claimed, exc, worker_id)


def run_io(app, claimed: Claimed, job: IOJob, ctx: JobContext, worker_id: str) -> str:
    """An :class:`~core.jobs.IOJob`: prepare (transaction), send (none open), record and ``done`` (a new one)."""
    with app.app_context():
        sess = session()
        try:
            request = job.prepare(claimed.payload, ctx)
            if not mark_sending(sess, claimed.id, worker_id):
                sess.rollback()
                log.warning("job %s: lease lost before sending; nothing was sent", claimed.id)
                return RUNNING
            sess.commit()
        except Exception as exc:
            return fail(sess, claimed, exc, worker_id)
    with app.app_context():
        try:
            step = job.reconcile if claimed.in_doubt and job.reconcile is not None else job.send
            if claimed.in_doubt:
                log.warning("job %s (%s): an earlier attempt's outcome is unknown; %s", claimed.id, claimed.type,
                            "reconciling" if step is job.reconcile else "sending again with the same key")
            result = step(request, ctx)
        except Exception as exc:
            return fail(session(), claimed, exc, worker_id)
        finally:
            warn_if_session_used(claimed)
    return record_outcome(app, claimed, job, result, ctx, worker_id)


def warn_if_session_used(claimed: Claimed) -> None:
    if g.get("_crm_session") is not None:
        log.error("job %s (%s): its send step opened a database session; do database work in prepare "
                  "or record, never across network I/O", claimed.id, claimed.type)


def record_outcome(app, claimed: Claimed, job: IOJob, result, ctx: JobContext, worker_id: str) -> str:
    """Commit the outcome and ``done`` at once; a lost connection is retried on a fresh one (pre-ping)."""
    for pause in (*RECORD_RETRY_SECONDS, None):
        with app.app_context():
            sess = session()
            try:
                if job.record is not None:
                    job.record(result, ctx)
                ctx.flush_progress()
                if not mark_done(sess, claimed.id, worker_id):
                    sess.rollback()
                    log.warning("job %s: lease lost while sending; the next attempt treats it as in doubt",
                                claimed.id)
                    return RUNNING
                sess.commit()
                log.info("job %s (%s) done", claimed.id, claimed.type)
                return DONE
            except Exception as exc:
                if pause is None or not retryable_error(exc):
                    return fail(sess, claimed, exc, worker_id)
                sess.rollback()
                log.warning("job %s: sent, but recording it failed (%s); trying again in %s s", claimed.id,
                            error_line(exc, claimed.payload), pause)
        time.sleep(pause)
    raise AssertionError("unreachable")


def fail(sess, claimed: Claimed, exc: BaseException, worker_id: str) -> str:
    """Roll back, schedule the retry or end the job dead, and log it (a dead database leaves the job to its lease)."""
    sess.rollback()
    try:
        status = record_failure(sess, claimed, exc, worker_id)
        sess.commit()
    except sa.exc.SQLAlchemyError as db_exc:
        sess.rollback()
        log.error("job %s (%s): could not record its failure (%s); it runs again when its lease expires",
                  claimed.id, claimed.type, error_line(db_exc, claimed.payload))
        return RUNNING
    log_failure(claimed, exc, status)
    return status


def owned(job_id: int, worker_id: str):
    return sa.update(Job).where(Job.id == job_id, Job.locked_by == worker_id, Job.status == RUNNING)


def mark_done(sess, job_id: int, worker_id: str) -> bool:
    result = sess.execute(owned(job_id, worker_id).values(
        status=DONE, finished_at=clock.now(), locked_by=None, locked_at=None, dedupe_key=None, last_error=None,
        sending_since=None))
    return result.rowcount == 1


def mark_sending(sess, job_id: int, worker_id: str) -> bool:
    """Note that this attempt is about to send (kept until the job ends: a later attempt is then in doubt)."""
    return sess.execute(owned(job_id, worker_id).values(sending_since=clock.now())).rowcount == 1


def describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    tail = "".join(traceback.format_exception(exc)[-3:])
    return (text + "\n\n" + tail)[:ERROR_MAX_CHARS]


def record_failure(sess, claimed: Claimed, exc: BaseException, worker_id: str) -> str:
    """Schedule the retry with backoff, or end the job dead with its last error."""
    now = clock.now()
    final = isinstance(exc, PermanentJobError) or claimed.attempt >= claimed.max_attempts
    values = dict(last_error=mask_text(describe(exc), claimed.payload), locked_by=None, locked_at=None)
    if final:
        values.update(status=DEAD, finished_at=now, dedupe_key=None, sending_since=None)
    else:
        values.update(status=FAILED, run_at=now + retry_delay(claimed.attempt))
    sess.execute(owned(claimed.id, worker_id).values(**values))
    return DEAD if final else FAILED


def log_failure(claimed: Claimed, exc: BaseException, status: str) -> None:
    """One line: the retry that is scheduled, or the job's death; never the payload."""
    job, error = f"job {claimed.id} ({claimed.type})", error_line(exc, claimed.payload)
    attempt = f"{claimed.attempt}/{claimed.max_attempts}"
    if status == DEAD:
        log.error("%s dead after attempt %s: %s", job, attempt, error)
    else:
        log.warning("%s attempt %s failed, retry in %s s: %s", job, attempt,
                    int(retry_delay(claimed.attempt).total_seconds()), error)


class ProgressReporter:
    """Writes ``ctx.progress`` to the job row, at most twice a second.

    On PostgreSQL, and whenever the handler has no transaction open (an :class:`~core.jobs.IOJob`'s
    send step), it commits on a connection of its own, so the progress is visible at once.  On SQLite a
    second writer would wait for the handler's write lock, so there it joins the handler's transaction.
    """

    def __init__(self, app, job_id: int, worker_id: str):
        self.app, self.job_id, self.worker_id = app, job_id, worker_id
        self.pending: tuple[int, int | None] | None = None
        self.last_write = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.pending = (int(done), None if total is None else int(total))
        finished = total is not None and done >= total
        if finished or time.monotonic() - self.last_write >= PROGRESS_EVERY_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending is None:
            return
        done, total = self.pending
        self.pending, self.last_write = None, time.monotonic()
        stmt = owned(self.job_id, self.worker_id).values(progress_done=done, progress_total=total)
        engine = self.app.extensions["plugcrm"].engine
        handler_session = g.get("_crm_session")
        if engine.dialect.name == "sqlite" and handler_session is not None and handler_session.in_transaction():
            handler_session.execute(stmt)
        else:
            with engine.begin() as conn:
                conn.execute(stmt)
