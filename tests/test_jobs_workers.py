"""Real worker processes (``plugcrm worker``) and the embedded worker thread."""
from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db import session
from core.jobs import DONE, Job, enqueue
from core.testing_instance import log_of, start_worker, wait_until
from hooks import hookimpl

PROBE_PLUGIN = '''
"""Test plugin: a job handler that appends "<job id> <pid>" to a file for every execution."""
import os

from core.plugins import Manifest
from hooks import hookimpl

manifest = Manifest(name="jobprobe", version="1.0", label="Job probe")


def record(payload, ctx):
    line = f"{ctx.job_id} {os.getpid()}\\n".encode()
    fd = os.open(os.environ["JOBPROBE_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def gate(payload, ctx):
    """Announce the start, then wait until the test creates the release file."""
    import pathlib
    import time

    record(payload, ctx)
    release = pathlib.Path(payload["release"])
    deadline = time.monotonic() + 60
    while not release.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.02)


@hookimpl
def crm_job_handlers():
    return {"jobprobe.record": record, "jobprobe.gate": gate}
'''


@pytest.fixture
def probe(tmp_path, crm_database_url):
    """Environment for ``plugcrm worker`` subprocesses on the test database, with the probe plugin loaded."""
    plugins_dir = tmp_path / "loose_plugins"
    (plugins_dir / "jobprobe").mkdir(parents=True)
    (plugins_dir / "jobprobe" / "__init__.py").write_text(PROBE_PLUGIN, encoding="utf-8")
    log = tmp_path / "executions.log"
    env = dict(os.environ, DATABASE_URL=crm_database_url, PLUGCRM_INSTANCE=str(tmp_path / "worker_instance"),
               PLUGCRM_SECRET_KEY="worker-test", PLUGCRM_PLUGINS="customers,jobprobe",
               PLUGCRM_PLUGINS_DIR=str(plugins_dir), JOBPROBE_LOG=str(log), PYTHONUNBUFFERED="1")
    return env, log


def enqueue_many(app, n: int) -> list[int]:
    with app.app_context():
        ids = [enqueue("jobprobe.record", {"n": i}) for i in range(n)]
        session().commit()
    return ids


def executions(log: Path) -> list[tuple[int, str]]:
    return [(int(job_id), pid) for job_id, pid in (line.split() for line in log.read_text().splitlines())]


def test_two_worker_processes_run_1000_jobs_exactly_once(crm_app, probe):
    """On PostgreSQL the claims use FOR UPDATE SKIP LOCKED; on SQLite the immediate transaction is the lock."""
    env, log = probe
    ids = enqueue_many(crm_app, 1000)
    workers = [start_worker(env, "--exit-when-idle") for _ in range(2)]
    for w in workers:
        w.communicate(timeout=300)
    assert [w.returncode for w in workers] == [0, 0], [log_of(w)[-3000:] for w in workers]
    runs = executions(log)
    per_job = Counter(job_id for job_id, _pid in runs)
    assert sorted(per_job) == sorted(ids)
    assert set(per_job.values()) == {1}, "no job ran twice"
    per_worker = Counter(pid for _job_id, pid in runs)
    assert len(per_worker) == 2, f"both workers took jobs: {per_worker}"
    with crm_app.app_context():
        rows = session().execute(sa.select(Job.status, Job.attempts, sa.func.count()).group_by(Job.status, Job.attempts))
        assert rows.all() == [(DONE, 1, 1000)]


def test_worker_process_runs_jobs_and_exits_when_idle(crm_app, probe):
    env, log = probe
    ids = enqueue_many(crm_app, 5)
    worker = start_worker(env, "--exit-when-idle")
    out, _err = worker.communicate(timeout=120)
    assert worker.returncode == 0, log_of(worker)
    assert "stopped after 5 jobs" in out
    assert sorted(job_id for job_id, _pid in executions(log)) == ids


def test_worker_process_stops_cleanly_on_sigterm(crm_app, probe):
    env, log = probe
    worker = start_worker(env)
    try:
        assert "ready" in worker.stdout.readline()
        [job_id] = enqueue_many(crm_app, 1)

        def done():
            with crm_app.app_context():
                return session().get(Job, job_id).status == DONE

        wait_until(done)
        worker.send_signal(signal.SIGTERM)
        out, _err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, log_of(worker)
    assert "stopped after 1 jobs" in out
    assert [j for j, _pid in executions(log)] == [job_id]


def test_sigterm_during_a_job_lets_it_finish_first(crm_app, probe, tmp_path):
    env, log = probe
    release = tmp_path / "release"
    with crm_app.app_context():
        job_id = enqueue("jobprobe.gate", {"release": str(release)})
        session().commit()
    worker = start_worker(env)
    try:
        assert "ready" in worker.stdout.readline()
        wait_until(lambda: log.exists() and log.read_text().strip() != "")
        worker.send_signal(signal.SIGTERM)
        release.touch()
        out, _err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, log_of(worker)
    assert "stopped after 1 jobs" in out
    with crm_app.app_context():
        assert session().get(Job, job_id).status == DONE


class Signalling:
    """Handlers for the embedded worker test: each run sets an event the test waits on."""

    def __init__(self):
        self.ran = threading.Event()
        self.threads: list[str] = []

    @hookimpl
    def crm_job_handlers(self):
        def handler(payload, ctx):
            self.threads.append(threading.current_thread().name)
            self.ran.set()

        return {"test.signal": handler}


def test_embedded_worker_thread_runs_a_job_as_soon_as_it_is_committed(crm_app):
    from core.jobs.worker import start_embedded_worker

    probe = Signalling()
    crm_app.extensions["plugcrm"].plugins.pm.register(probe, name="signalling")
    thread = start_embedded_worker(crm_app, poll_seconds=3600)  # only the commit can wake it in time
    try:
        with crm_app.app_context():
            job_id = enqueue("test.signal", {})
            session().commit()
        assert probe.ran.wait(30), "the commit woke the worker"
    finally:
        thread.stop()
    assert not thread.is_alive()
    assert probe.threads == ["plugcrm-worker"]
    with crm_app.app_context():
        assert session().get(Job, job_id).status == DONE


class LongRunning:
    """A handler that outlives a lease renewal and checks no other worker could take its job meanwhile."""

    def __init__(self, app):
        self.app = app
        self.stolen = None

    def locked_at(self, job_id):
        with self.app.extensions["plugcrm"].engine.connect() as conn:
            return conn.execute(sa.select(Job.locked_at).where(Job.id == job_id)).scalar_one()

    @hookimpl
    def crm_job_handlers(self):
        def handler(payload, ctx):
            from core import clock
            from core.jobs.runner import claim

            first = self.locked_at(ctx.job_id)
            wait_until(lambda: self.locked_at(ctx.job_id) > first, timeout=30)
            runtime = self.app.extensions["plugcrm"]
            self.stolen = claim(runtime.Session, "intruder", clock.now(), runtime.settings.job_lease_seconds)

        return {"test.long": handler}


def test_a_long_job_keeps_its_lease_alive(crm_app_factory):
    app = crm_app_factory(job_lease_seconds=3)
    probe = LongRunning(app)
    app.extensions["plugcrm"].plugins.pm.register(probe, name="long_running")
    with app.app_context():
        job_id = enqueue("test.long", {})
        session().commit()
    from core.jobs.worker import run_pending

    assert run_pending(app) == 1
    assert probe.stolen is None, "the renewed lease kept the job from a second worker"
    with app.app_context():
        job = session().get(Job, job_id)
        assert (job.status, job.attempts) == (DONE, 1)
