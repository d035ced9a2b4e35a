"""Claiming and running one job: the part every worker (thread, process, test) shares.

Claiming is a short transaction of its own: on PostgreSQL the due row is
selected ``FOR UPDATE SKIP LOCKED`` so concurrent workers never take the same
job; on SQLite every transaction begins ``IMMEDIATE`` (see :mod:`core.db`),
which is the lock.  A job stays ``running`` under the worker's name with a
lease (``locked_at``); if the worker dies, the job is claimed again once the
lease has expired.

The handler then runs in a fresh app context, and the job is marked ``done``
in the handler's own transaction, so the handler's database writes and the
``done`` mark commit together (a worker that lost its lease rolls back).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import traceback
from dataclasses import dataclass

import sqlalchemy as sa

from core import clock
from core.jobs import PermanentJobError
from core.jobs.models import DEAD, DONE, FAILED, RUNNING, WAITING, Job
from core.jobs.redact import error_line, mask_text

log = logging.getLogger("plugcrm.jobs")

RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 3600
PROGRESS_EVERY_SECONDS = 0.5
ERROR_MAX_CHARS = 4000


@dataclass
class Claimed:
    id: int
    type: str
    payload: dict
    attempt: int
    max_attempts: int


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff after failed attempt number ``attempt``: 10 s, 20 s, 40 s ... capped at 1 h."""
    return dt.timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** (attempt - 1), RETRY_MAX_SECONDS))


def due_condition(cutoff: dt.datetime, lease_seconds: int):
    stale = cutoff - dt.timedelta(seconds=lease_seconds)
    return sa.or_(sa.and_(Job.status.in_(WAITING), Job.run_at <= cutoff),
                  sa.and_(Job.status == RUNNING, Job.locked_at < stale))


def claim(Session, worker_id: str, cutoff: dt.datetime, lease_seconds: int) -> Claimed | None:
    """Take the next due job (or one whose worker's lease expired) and mark it running.

    One ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``
    per claim: a single round trip that concurrent workers cannot both win.
    """
    while True:
        with Session() as sess, sess.begin():
            pick = sa.select(Job.id).where(due_condition(cutoff, lease_seconds)).order_by(Job.run_at, Job.id).limit(1)
            if sess.get_bind().dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            now = clock.now()
            row = sess.execute(
                sa.update(Job).where(Job.id == pick.scalar_subquery())
                .values(status=RUNNING, locked_by=worker_id, locked_at=now, started_at=now, attempts=Job.attempts + 1)
                .returning(Job.id, Job.type, Job.payload, Job.attempts, Job.max_attempts)
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
            return Claimed(row.id, row.type, dict(row.payload or {}), row.attempts, row.max_attempts)


def end_dead(job: Job, error: str) -> None:
    job.status, job.last_error, job.finished_at = DEAD, error[:ERROR_MAX_CHARS], clock.now()
    job.locked_by = job.locked_at = job.dedupe_key = None


def execute(app, claimed: Claimed, table: dict, worker_id: str) -> str:
    """Run a claimed job's handler and record the outcome; returns the job's new status."""
    from core.db import session
    from core.jobs import JobContext

    engine = app.extensions["plugcrm"].engine
    lease = app.extensions["plugcrm"].settings.job_lease_seconds
    with app.app_context(), LeaseKeeper(engine, claimed.id, worker_id, lease / 3):
        sess = session()
        reporter = ProgressReporter(app, claimed.id, worker_id)
        try:
            handler = table.get(claimed.type)
            if handler is None:
                raise PermanentJobError(f"no handler for job type {claimed.type!r} (is its plugin enabled?)")
            handler(claimed.payload, JobContext(claimed.id, claimed.attempt, reporter))
            reporter.flush()
            if not mark_done(sess, claimed.id, worker_id):
                sess.rollback()
                log.warning("job %s: lease lost while running; its work was rolled back", claimed.id)
                return RUNNING
            sess.commit()
            log.info("job %s (%s) done", claimed.id, claimed.type)
            return DONE
        except Exception as exc:  # the handler's failure is data: record it, never crash the worker
            sess.rollback()
            status = record_failure(sess, claimed, exc, worker_id)
            sess.commit()
            log_failure(claimed, exc, status)
            return status


def owned(job_id: int, worker_id: str):
    return sa.update(Job).where(Job.id == job_id, Job.locked_by == worker_id, Job.status == RUNNING)


def mark_done(sess, job_id: int, worker_id: str) -> bool:
    result = sess.execute(owned(job_id, worker_id).values(
        status=DONE, finished_at=clock.now(), locked_by=None, locked_at=None, dedupe_key=None, last_error=None))
    return result.rowcount == 1


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
        values.update(status=DEAD, finished_at=now, dedupe_key=None)
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


class LeaseKeeper(threading.Thread):
    """Renews the job's lease while its handler runs, so a long import is not taken for a crashed worker."""

    def __init__(self, engine, job_id: int, worker_id: str, every_seconds: float):
        super().__init__(name=f"plugcrm-lease-{job_id}", daemon=True)
        self.engine, self.job_id, self.worker_id, self.every = engine, job_id, worker_id, every_seconds
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    conn.execute(owned(self.job_id, self.worker_id).values(locked_at=clock.now()))
            except sa.exc.SQLAlchemyError as exc:  # the database is busy or away: try again next time
                log.warning("job %s: could not renew the lease: %s", self.job_id, exc)

    def __enter__(self) -> "LeaseKeeper":
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.finished.set()
        self.join()


class ProgressReporter:
    """Writes ``ctx.progress`` to the job row, at most twice a second.

    On PostgreSQL it commits on a connection of its own, so the progress is
    visible while the handler's transaction is still open.  On SQLite a second writer would wait for the handler's write lock,
    so progress is written in the handler's transaction instead.
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
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(stmt)
        else:
            from core.db import session
            session().execute(stmt)
