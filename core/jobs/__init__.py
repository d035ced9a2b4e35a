"""Durable jobs: side effects written in the same transaction as the change that caused them.

Enqueue with :func:`enqueue` inside the caller's transaction (the caller
commits; a rollback drops the job with the data).  Handlers come from the
``crm_job_handlers`` hook and, for the core's own (such as ``core.email``), from
:func:`register`, called by the module that defines the job type when it is imported
(the app factory imports them); the
worker (:mod:`core.jobs.worker`) runs due jobs with retries and exponential
backoff until they are ``done`` or ``dead``.

A handler is either a plain ``handler(payload, ctx)`` that works in the
database only (its writes and the ``done`` mark commit together), or an
:class:`IOJob` for network I/O (SMTP, HTTP, SMS): prepared in one transaction,
sent with none open, its outcome recorded in another.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import clock
from core.db import session
from core.errors import Conflict, NotFound, PluginError
from core.jobs.models import DEAD, DONE, FAILED, QUEUED, RUNNING, STATUSES, Job

log = logging.getLogger("plugcrm.jobs")
__all__ = ["enqueue", "retry", "Job", "JobContext", "IOJob", "PermanentJobError", "handlers", "register", "heartbeat",
           "QUEUED", "RUNNING", "DONE", "FAILED", "DEAD", "STATUSES"]

Handler = Callable[[dict, "JobContext"], object]


def enqueue(job_type: str, payload: dict, *, run_at: dt.datetime | None = None, max_attempts: int = 5,
            dedupe_key: str | None = None) -> int:
    """Add a job to the current session's transaction and return its id.

    ``run_at`` (aware, or naive UTC) schedules it; by default it is due now.
    With ``dedupe_key``, an unfinished job with the same key is reused and its
    id returned instead of adding a second one.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    try:
        payload = json.loads(json.dumps(payload))
    except TypeError as exc:
        raise ValueError(f"job payload for {job_type!r} must be JSON-serialisable: {exc}") from exc
    sess = session()
    if dedupe_key is not None:
        existing = existing_job(dedupe_key)
        if existing is not None:
            return existing
    now = clock.now()
    job = Job(type=job_type, payload=payload, status=QUEUED, attempts=0, max_attempts=max_attempts,
              run_at=run_at or now, dedupe_key=dedupe_key, created_at=now)
    if dedupe_key is None:
        sess.add(job)
        sess.flush()
    else:
        add_unless_duplicate(job)
        if job.id is None:
            return existing_job(dedupe_key)
    sess.info["crm_jobs_enqueued"] = True
    return job.id


def retry(job_id: int) -> Job:
    """Queue a dead job again with a fresh set of attempts (its last error stays until it succeeds)."""
    job = session().scalar(sa.select(Job).where(Job.id == job_id).with_for_update())
    if job is None:
        raise NotFound(_("Job not found."))
    if job.status != DEAD:
        raise Conflict(_("Only a dead job can be retried; this one is %(status)s.", status=job.status))
    job.status, job.attempts, job.run_at, job.finished_at = QUEUED, 0, clock.now(), None
    session().info["crm_jobs_enqueued"] = True
    return job


def existing_job(dedupe_key: str) -> int | None:
    return session().scalar(sa.select(Job.id).where(Job.dedupe_key == dedupe_key))


def add_unless_duplicate(job: Job) -> None:
    """Insert inside a savepoint so a concurrent enqueue of the same key loses quietly."""
    sess = session()
    try:
        with sess.begin_nested():
            sess.add(job)
            sess.flush()
    except IntegrityError:
        sess.expunge(job) if job in sess else None
        job.id = None


class PermanentJobError(Exception):
    """Raise from a handler when retrying cannot help (bad address, missing record): the job goes dead now."""


@dataclass(frozen=True)
class IOJob:
    """A job whose work is network I/O, in three steps so that no transaction is open while it talks.

    * ``prepare(payload, ctx) -> request``: in a transaction (read settings, open secrets, build the
      message); it commits together with the job's "sending" mark.
    * ``send(request, ctx) -> result``: with no transaction and no session open; only the network.
      Raise to fail the attempt (retried with backoff).
    * ``record(result, ctx)``: optional, in a new transaction that also marks the job ``done``; it is
      committed right after the send (and tried again on a fresh connection if the database was lost).

    When an attempt finds that an earlier one began sending and never recorded the outcome (its
    worker died, or the database was lost after the send), ``ctx.in_doubt`` is true and
    ``reconcile(request, ctx) -> result`` runs instead of ``send``: ask the provider what happened,
    or raise :class:`PermanentJobError`.  Without ``reconcile`` the request is sent again, which is
    right only where the receiver recognises a repeat (an email's ``Message-ID``, a webhook's
    ``Idempotency-Key``: both come from ``ctx.idempotency_key``).
    """

    prepare: Callable[[dict, "JobContext"], Any]
    send: Callable[[Any, "JobContext"], Any]
    record: Callable[[Any, "JobContext"], None] | None = None
    reconcile: Callable[[Any, "JobContext"], Any] | None = None


def idempotency_key(secret_key: str, job_id: int, created_at: dt.datetime) -> str:
    """A key that is the same on every attempt of one job and unguessable from outside the deployment."""
    stamp = created_at.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat()
    return hmac.new(secret_key.encode(), f"job:{job_id}:{stamp}".encode(), hashlib.sha256).hexdigest()[:32]


class JobContext:
    """What a handler gets besides its payload: which job and attempt, and a progress reporter.

    ``idempotency_key`` is stable across the attempts of this job; ``in_doubt`` says an earlier
    attempt began its network I/O and never recorded how it ended (see :class:`IOJob`).
    """

    def __init__(self, job_id: int, attempt: int, report: Callable[[int, int | None], None], *,
                 idempotency_key: str = "", in_doubt: bool = False):
        self.job_id = job_id
        self.attempt = attempt
        self.idempotency_key = idempotency_key
        self.in_doubt = in_doubt
        self._report = report

    def progress(self, done: int, total: int | None = None) -> None:
        """Record how far the job is (shown in ``/api/v1/jobs``; may be throttled)."""
        self._report(done, total)

    def flush_progress(self) -> None:
        """Write progress still held back by the throttle (the runner calls it before ``done``)."""
        flush = getattr(self._report, "flush", None)
        if flush is not None:
            flush()


def heartbeat(beat: Callable[[], None], every_seconds: float, name: str = "plugcrm-heartbeat") -> "Heartbeat":
    """``with heartbeat(beat, every_seconds):`` calls ``beat()`` every ``every_seconds`` in a thread.

    For work that holds a lease (a running job, an import owned by a request): ``beat`` renews it in a
    short transaction of its own.  A failing beat is logged and tried again at the next tick, so a
    database that is briefly away does not stop the work.
    """
    return Heartbeat(beat, every_seconds, name)


class Heartbeat(threading.Thread):
    """The thread behind :func:`heartbeat`; stops (and is joined) when the ``with`` block ends."""

    def __init__(self, beat: Callable[[], None], every_seconds: float, name: str = "plugcrm-heartbeat"):
        super().__init__(name=name, daemon=True)
        self.beat, self.every = beat, every_seconds
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(self.every):
            try:
                self.beat()
            except sa.exc.SQLAlchemyError as exc:
                log.warning("%s: could not renew the lease: %s", self.name, exc)

    def __enter__(self) -> "Heartbeat":
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.finished.set()
        self.join()


CORE_HANDLERS: dict[str, Handler] = {}  # the core's own job types, filled by :func:`register`


def register(job_type: str, handler: Handler | IOJob) -> None:
    """Make ``job_type`` a core job type run by ``handler``.

    Called at import by the core module that defines the job (mail, import/export, ownership
    transfer), so this package never imports the features above it; plugins use the
    ``crm_job_handlers`` hook instead.
    """
    CORE_HANDLERS[job_type] = handler


def handlers(runtime) -> dict[str, Handler]:
    """Every job type this process can run: the core's and the enabled plugins'."""
    table: dict[str, Handler] = dict(CORE_HANDLERS)
    for impl in runtime.plugins.pm.hook.crm_job_handlers.get_hookimpls():
        for job_type, handler in (impl.function() or {}).items():
            if job_type in table:
                raise PluginError(f"plugin {impl.plugin_name!r}: job type {job_type!r} is already registered")
            table[job_type] = handler
    return table
