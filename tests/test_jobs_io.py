"""I/O jobs (``core.jobs.IOJob``): no transaction across the send, a stable key per job, sends in doubt,
leases judged on every claim, and SQLite reads that do not wait for the writer."""
from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from core import clock
from core.db import session
from core.jobs import DEAD, DONE, FAILED, IOJob, Job, PermanentJobError, enqueue, heartbeat
from core.jobs.worker import run_pending
from core.settings_store import get as get_setting, put as put_setting
from core.testing import is_postgres
from core.testing_instance import wait_until
from hooks import hookimpl

SEEN: list[tuple] = []


def open_transactions(engine) -> int:
    """Transactions other connections hold open right now (SQLite: whether the write lock is taken)."""
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(engine.url.database, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return 0
        except sqlite3.OperationalError:
            return 1
        finally:
            probe.close()
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")).scalar()


class IOProbe:
    """Handlers of the I/O shape; ``send`` notes what it sees of the database while it 'talks'."""

    def __init__(self, engine):
        self.engine = engine
        self.fail_sends = 0

    def prepare(self, payload, ctx):
        put_setting("io_probe_prepared", {"n": payload["n"]})  # a write in the prepare transaction
        return {"n": payload["n"], "key": ctx.idempotency_key}

    def send(self, request, ctx):
        SEEN.append(("send", request["key"], ctx.attempt, ctx.in_doubt, open_transactions(self.engine)))
        if self.fail_sends:
            self.fail_sends -= 1
            raise ConnectionResetError("the provider hung up")
        return {"receipt": f"r-{request['n']}"}

    def record(self, result, ctx):
        put_setting("io_probe_receipt", result)

    def reconcile(self, request, ctx):
        SEEN.append(("reconcile", request["key"], ctx.attempt))
        raise PermanentJobError("outcome unknown: check the provider's log before sending again")

    @hookimpl
    def crm_job_handlers(self):
        return {"test.io": IOJob(self.prepare, self.send, self.record),
                "test.io_reconciled": IOJob(self.prepare, self.send, self.record, reconcile=self.reconcile),
                "test.plain": lambda payload, ctx: SEEN.append(("plain", payload["n"]))}


@pytest.fixture
def app(crm_app_factory, crm_clock):
    SEEN.clear()
    app = crm_app_factory()
    app.probe = IOProbe(app.extensions["plugcrm"].engine)
    app.extensions["plugcrm"].plugins.pm.register(app.probe, name="io_probe")
    return app


def add(app, job_type, n=1, **kwargs) -> int:
    with app.app_context():
        job_id = enqueue(job_type, {"n": n}, **kwargs)
        session().commit()
        return job_id


def job(app, job_id) -> Job:
    with app.app_context():
        return session().get(Job, job_id)


def test_the_send_runs_with_no_transaction_open_and_the_outcome_commits_with_done(app):
    job_id = add(app, "test.io", n=7)
    assert run_pending(app) == 1
    [(_step, key, attempt, in_doubt, open_during_send)] = SEEN
    assert (attempt, in_doubt, open_during_send) == (1, False, 0), "nothing held while sending"
    done = job(app, job_id)
    assert (done.status, done.attempts, done.sending_since, done.locked_by) == (DONE, 1, None, None)
    with app.app_context():
        assert get_setting("io_probe_prepared") == {"n": 7} and get_setting("io_probe_receipt") == {"receipt": "r-7"}
    assert len(key) == 32


def test_a_failed_send_is_retried_in_doubt_with_the_same_key(app):
    app.probe.fail_sends = 1
    job_id = add(app, "test.io")
    run_pending(app)
    failed = job(app, job_id)
    assert failed.status == FAILED and failed.sending_since is not None, "the send began: its outcome is unknown"
    assert "ConnectionResetError: the provider hung up" in failed.last_error
    clock.advance(seconds=11)
    run_pending(app)
    assert [(s[2], s[3]) for s in SEEN] == [(1, False), (2, True)]
    assert SEEN[0][1] == SEEN[1][1], "both attempts carry the job's one idempotency key"
    assert (job(app, job_id).status, job(app, job_id).sending_since) == (DONE, None)


def test_each_job_has_its_own_key(app):
    add(app, "test.io", n=1)
    add(app, "test.io", n=2)
    run_pending(app)
    assert len({s[1] for s in SEEN}) == 2


def test_a_job_type_with_reconcile_never_resends_blindly(app):
    app.probe.fail_sends = 1
    job_id = add(app, "test.io_reconciled")
    run_pending(app)
    clock.advance(seconds=11)
    run_pending(app)
    assert [s[0] for s in SEEN] == ["send", "reconcile"]
    dead = job(app, job_id)
    assert dead.status == DEAD and "check the provider's log" in dead.last_error and dead.sending_since is None


def test_a_crashed_worker_mid_send_leaves_the_next_attempt_in_doubt(app):
    job_id = add(app, "test.io")
    with app.app_context():
        row = session().get(Job, job_id)
        row.status, row.locked_by, row.locked_at, row.attempts = "running", "crashed@host:1", clock.now(), 1
        row.sending_since = clock.now()
        session().commit()
    clock.advance(seconds=app.extensions["plugcrm"].settings.job_lease_seconds + 1)
    assert run_pending(app) == 1
    assert [(s[2], s[3]) for s in SEEN] == [(2, True)]
    assert job(app, job_id).status == DONE


def test_the_default_lease_lets_a_crashed_job_run_again_within_about_a_minute(crm_app):
    assert crm_app.extensions["plugcrm"].settings.job_lease_seconds <= 60


def test_expired_leases_are_found_on_every_claim_not_once_per_pass(app):
    """A long pass: the stale job's lease runs out while the pass works through the queue."""
    lease = app.extensions["plugcrm"].settings.job_lease_seconds
    stale = add(app, "test.plain", n=0)
    with app.app_context():
        row = session().get(Job, stale)
        row.status, row.locked_by, row.locked_at, row.attempts = "running", "crashed@host:1", clock.now(), 1
        session().commit()
    for n in range(1, 4):
        add(app, "test.io", n=n)
    original_send = app.probe.send

    def slow_send(request, ctx):
        clock.advance(seconds=lease / 2)  # each send takes half a lease
        return original_send(request, ctx)

    app.probe.send = slow_send
    assert run_pending(app) == 4, "the stale job was taken in the same pass, once its lease had run out"
    assert ("plain", 0) in SEEN and job(app, stale).status == DONE


@pytest.mark.skipif(is_postgres(), reason="SQLite's write lock")
def test_sqlite_reads_do_not_wait_for_a_writer(crm_app, crm_api):
    """Another connection holds the write lock: a GET still answers (deferred), a write would queue."""
    assert crm_api.post("/api/v1/accounts", json={"name": "해동통신"}).status_code == 201
    writer = sqlite3.connect(crm_app.extensions["plugcrm"].engine.url.database, timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE core_settings SET key = key")
        listed = crm_api.get("/api/v1/accounts")
        detail = crm_api.get(f"/api/v1/accounts/{listed.json['data'][0]['id']}")
    finally:
        writer.rollback()
        writer.close()
    assert listed.status_code == 200 and [a["name"] for a in listed.json["data"]] == ["해동통신"]
    assert detail.status_code == 200


def test_heartbeat_beats_until_its_block_ends_and_outlives_a_failing_beat(caplog):
    beats: list[int] = []

    def beat():
        beats.append(1)
        if len(beats) == 1:
            raise sa.exc.OperationalError("UPDATE core_jobs", {}, Exception("server closed the connection"))

    with heartbeat(beat, 0.01, name="lease-probe") as thread:
        wait_until(lambda: len(beats) >= 3, timeout=30)
    assert not thread.is_alive()
    assert "lease-probe: could not renew the lease" in caplog.text
