"""Workers: ``run_pending`` for tests and cron-like callers, the embedded thread, ``plugcrm worker``."""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import clock
from core.jobs import handlers
from core.jobs.housekeeping import PRUNE_EVERY_SECONDS, keep_days, prune_done, refresh_statistics
from core.jobs.runner import claim, execute

log = logging.getLogger("plugcrm.jobs")
DEFAULT_POLL_SECONDS = 1.0
_wake = threading.Event()


@sa.event.listens_for(Session, "after_commit")
def _wake_after_enqueue(sess):
    """Wake the embedded worker as soon as a transaction that enqueued jobs commits."""
    if sess.info.pop("crm_jobs_enqueued", False):
        _wake.set()


@sa.event.listens_for(Session, "after_rollback")
def _forget_rolled_back(sess):
    sess.info.pop("crm_jobs_enqueued", None)


def worker_name(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Runs due jobs for one app; ``run_due`` once, or ``run_forever`` until stopped."""

    def __init__(self, app, *, kind: str = "worker", poll_seconds: float = DEFAULT_POLL_SECONDS):
        self.app = app
        self.name = worker_name(kind)
        self.poll_seconds = poll_seconds
        self.stop_event = threading.Event()
        self.jobs_run = 0
        self.last_prune = float("-inf")

    @property
    def runtime(self):
        return self.app.extensions["plugcrm"]

    def run_due(self, limit: int | None = None) -> int:
        """Run every job due now (each at most once in this call); return how many ran."""
        cutoff = clock.now()
        table = handlers(self.runtime)
        lease = self.runtime.settings.job_lease_seconds
        count = 0
        while (limit is None or count < limit) and not self.stop_event.is_set():
            claimed = claim(self.runtime.Session, self.name, cutoff, lease)
            if claimed is None:
                break
            execute(self.app, claimed, table, self.name)
            count += 1
        self.jobs_run += count
        return count

    def prune_now_and_then(self) -> None:
        if time.monotonic() - self.last_prune >= PRUNE_EVERY_SECONDS:
            self.last_prune = time.monotonic()
            removed = prune_done(self.runtime.Session, keep_days(self.runtime.settings))
            if removed:
                log.info("job worker %s: removed %s finished jobs", self.name, removed)
            refresh_statistics(self.runtime.engine)

    def run_forever(self) -> None:
        log.info("job worker %s started", self.name)
        errors = 0
        while not self.stop_event.is_set():
            try:
                self.prune_now_and_then()
                ran, errors = self.run_due(), 0
            except Exception:  # database away for a while: log, back off, try again
                errors += 1
                log.exception("job worker %s: polling failed (%s in a row)", self.name, errors)
                self.stop_event.wait(min(self.poll_seconds * 2 ** errors, 60))
                continue
            if ran == 0:
                _wake.wait(self.poll_seconds)
                _wake.clear()
        log.info("job worker %s stopped after %s jobs", self.name, self.jobs_run)

    def stop(self) -> None:
        self.stop_event.set()
        _wake.set()


def run_pending(app, limit: int | None = None) -> int:
    """Run every due job once, in this thread; returns the number run (tests drive the queue with it)."""
    return Worker(app, kind="run_pending").run_due(limit)


class EmbeddedWorker(threading.Thread):
    """The daemon thread ``plugcrm serve`` runs so one machine needs nothing else."""

    def __init__(self, app, poll_seconds: float = DEFAULT_POLL_SECONDS):
        super().__init__(name="plugcrm-worker", daemon=True)
        self.worker = Worker(app, kind="embedded", poll_seconds=poll_seconds)

    def run(self) -> None:
        self.worker.run_forever()

    def stop(self, timeout: float | None = 30) -> None:
        self.worker.stop()
        self.join(timeout)


def start_embedded_worker(app, poll_seconds: float = DEFAULT_POLL_SECONDS) -> EmbeddedWorker:
    thread = EmbeddedWorker(app, poll_seconds)
    thread.start()
    return thread


def run_worker_process(app, poll_seconds: float, exit_when_idle: bool = False) -> int:
    """The body of ``plugcrm worker``: SIGTERM and SIGINT stop it after the current job."""
    worker = Worker(app, kind="worker", poll_seconds=poll_seconds)

    def stop(signum, _frame):
        log.info("job worker %s: signal %s, stopping after the current job", worker.name, signum)
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"worker {worker.name} ready", err=False)
    if exit_when_idle:
        while not worker.stop_event.is_set() and worker.run_due() > 0:
            pass
    else:
        worker.run_forever()
    click.echo(f"worker {worker.name} stopped after {worker.jobs_run} jobs")
    return worker.jobs_run
