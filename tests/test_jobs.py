"""The durable job queue: transactions, retries with backoff, dead letters, scheduling, leases."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from core import clock
from core.db import session
from core.jobs import DEAD, DONE, FAILED, QUEUED, Job, enqueue
from core.jobs.runner import retry_delay
from core.jobs.worker import Worker, run_pending
from core.testing import is_postgres
from hooks import hookimpl

CALLS: list[tuple[str, dict, int]] = []


class Flaky(Exception):
    pass


def record(payload, ctx):
    CALLS.append(("record", payload, ctx.attempt))


def fail_twice(payload, ctx):
    CALLS.append(("fail_twice", payload, ctx.attempt))
    if ctx.attempt < 3:
        raise Flaky(f"attempt {ctx.attempt} failed")


def always_fails(payload, ctx):
    CALLS.append(("always_fails", payload, ctx.attempt))
    raise Flaky("the gateway said no")


def writes_then_fails(payload, ctx):
    from core.settings_store import put

    put("probe", {"written": True})
    raise Flaky("after writing")


def hopeless(payload, ctx):
    from core.jobs import PermanentJobError

    CALLS.append(("hopeless", payload, ctx.attempt))
    raise PermanentJobError("the record is gone")


def reports_progress(payload, ctx):
    for done in range(1, 5):
        ctx.progress(done, 4)


class ProbeJobs:
    """A plugin object registering the test handlers through the real hook."""

    @hookimpl
    def crm_job_handlers(self):
        return {"test.record": record, "test.fail_twice": fail_twice, "test.always_fails": always_fails,
                "test.writes_then_fails": writes_then_fails, "test.progress": reports_progress, "test.hopeless": hopeless}


@pytest.fixture
def app(crm_app_factory, crm_clock):
    CALLS.clear()
    app = crm_app_factory()
    app.extensions["plugcrm"].plugins.pm.register(ProbeJobs(), name="probe_jobs")
    return app


def job(app, job_id) -> Job:
    with app.app_context():
        return session().get(Job, job_id)


def add(app, job_type, payload=None, **kwargs) -> int:
    with app.app_context():
        job_id = enqueue(job_type, payload or {}, **kwargs)
        session().commit()
        return job_id


def test_a_job_runs_once_and_ends_done(app):
    job_id = add(app, "test.record", {"n": 1, "이름": "김철수"})
    assert job(app, job_id).status == QUEUED
    assert run_pending(app) == 1
    assert CALLS == [("record", {"n": 1, "이름": "김철수"}, 1)]
    done = job(app, job_id)
    assert (done.status, done.attempts, done.finished_at) == (DONE, 1, clock.now())
    assert run_pending(app) == 0
    assert len(CALLS) == 1


def test_fails_twice_then_succeeds_after_three_attempts_with_backoff(app):
    job_id = add(app, "test.fail_twice")
    run_pending(app)
    first = job(app, job_id)
    assert (first.status, first.attempts) == (FAILED, 1)
    assert "attempt 1 failed" in first.last_error
    assert first.run_at == clock.now() + retry_delay(1)
    assert run_pending(app) == 0, "a failed job waits for its backoff"
    clock.advance(retry_delay(1))
    run_pending(app)
    second = job(app, job_id)
    assert (second.status, second.attempts) == (FAILED, 2)
    assert second.run_at == clock.now() + retry_delay(2) and retry_delay(2) == 2 * retry_delay(1)
    clock.advance(retry_delay(2))
    run_pending(app)
    final = job(app, job_id)
    assert (final.status, final.attempts, final.last_error) == (DONE, 3, None)
    assert [attempt for _name, _payload, attempt in CALLS] == [1, 2, 3]


def test_always_failing_job_ends_dead_with_the_error(app):
    job_id = add(app, "test.always_fails", max_attempts=3)
    for _ in range(5):
        run_pending(app)
        clock.advance(hours=1)
    dead = job(app, job_id)
    assert (dead.status, dead.attempts) == (DEAD, 3)
    assert "Flaky: the gateway said no" in dead.last_error
    assert dead.finished_at is not None
    assert len(CALLS) == 3


def test_permanent_error_ends_dead_without_retrying(app):
    job_id = add(app, "test.hopeless")
    run_pending(app)
    dead = job(app, job_id)
    assert (dead.status, dead.attempts) == (DEAD, 1) and "the record is gone" in dead.last_error


def test_job_enqueued_in_rolled_back_transaction_never_runs(app):
    with app.app_context():
        enqueue("test.record", {"lost": True})
        session().rollback()
    assert run_pending(app) == 0
    assert CALLS == []
    with app.app_context():
        assert session().scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_failed_attempt_rolls_back_the_handlers_writes(app):
    from core.settings_store import get

    job_id = add(app, "test.writes_then_fails")
    run_pending(app)
    assert job(app, job_id).status == FAILED
    with app.app_context():
        assert get("probe") is None


def test_scheduled_job_waits_for_the_clock(app):
    job_id = add(app, "test.record", run_at=clock.now() + dt.timedelta(hours=2))
    assert run_pending(app) == 0
    clock.advance(hours=1, minutes=59)
    assert run_pending(app) == 0
    clock.advance(minutes=1)
    assert run_pending(app) == 1
    assert job(app, job_id).status == DONE


def test_due_jobs_run_in_order_and_limit_is_respected(app):
    ids = [add(app, "test.record", {"n": n}) for n in range(3)]
    assert run_pending(app, limit=2) == 2
    assert [p["n"] for _name, p, _a in CALLS] == [0, 1]
    assert run_pending(app) == 1
    assert {job(app, i).status for i in ids} == {DONE}


def test_dedupe_key_keeps_one_unfinished_job(app):
    first = add(app, "test.record", {"n": 1}, dedupe_key="reminder:7")
    second = add(app, "test.record", {"n": 2}, dedupe_key="reminder:7")
    assert first == second
    run_pending(app)
    assert len(CALLS) == 1
    assert job(app, first).dedupe_key is None, "a finished job frees its key"
    third = add(app, "test.record", {"n": 3}, dedupe_key="reminder:7")
    assert third != first


def test_unknown_job_type_goes_dead_at_once(app):
    job_id = add(app, "nobody.handles.this")
    run_pending(app)
    dead = job(app, job_id)
    assert dead.status == DEAD and "no handler for job type 'nobody.handles.this'" in dead.last_error


def test_stale_running_job_of_a_crashed_worker_runs_again_after_the_lease(app):
    job_id = add(app, "test.record")
    with app.app_context():
        row = session().get(Job, job_id)
        row.status, row.locked_by, row.locked_at, row.attempts = "running", "crashed@host:1", clock.now(), 1
        session().commit()
    lease = app.extensions["plugcrm"].settings.job_lease_seconds
    clock.advance(seconds=lease - 1)
    assert run_pending(app) == 0, "the lease still holds"
    clock.advance(seconds=2)
    assert run_pending(app) == 1
    again = job(app, job_id)
    assert (again.status, again.attempts) == (DONE, 2)


def test_crashed_worker_on_the_last_attempt_leaves_the_job_dead(app):
    job_id = add(app, "test.record", max_attempts=2)
    with app.app_context():
        row = session().get(Job, job_id)
        row.status, row.locked_by, row.locked_at, row.attempts = "running", "crashed@host:1", clock.now(), 2
        session().commit()
    clock.advance(seconds=app.extensions["plugcrm"].settings.job_lease_seconds + 1)
    assert run_pending(app) == 0
    dead = job(app, job_id)
    assert dead.status == DEAD and "lease expired" in dead.last_error
    assert CALLS == []


def test_progress_is_recorded(app):
    job_id = add(app, "test.progress")
    run_pending(app)
    done = job(app, job_id)
    assert (done.progress_done, done.progress_total, done.status) == (4, 4, DONE)


def test_payload_must_be_json(app):
    with app.app_context():
        with pytest.raises(ValueError, match="JSON-serialisable"):
            enqueue("test.record", {"when": object()})


def test_jobs_survive_a_restart(crm_app_factory, crm_clock):
    first = crm_app_factory()
    job_id = add(first, "test.record", {"n": 1})
    first.extensions["plugcrm"].engine.dispose()
    second = crm_app_factory()
    second.extensions["plugcrm"].plugins.pm.register(ProbeJobs(), name="probe_jobs")
    CALLS.clear()
    assert run_pending(second) == 1
    assert CALLS == [("record", {"n": 1}, 1)]
    assert job(second, job_id).status == DONE


def test_done_jobs_are_pruned_after_the_keep_period_dead_ones_stay(app):
    from core.jobs.housekeeping import prune_done

    done_id = add(app, "test.record")
    dead_id = add(app, "test.always_fails", max_attempts=1)
    run_pending(app)
    Session = app.extensions["plugcrm"].Session
    clock.advance(days=29)
    assert prune_done(Session, 30) == 0
    clock.advance(days=2)
    assert prune_done(Session, 30) == 1
    assert job(app, done_id) is None
    assert job(app, dead_id).status == DEAD


def test_housekeeping_refreshes_sqlites_planner_statistics(app):
    """Without statistics SQLite's planner guesses between equally plausible indexes (a list page 8x slower):
    a worker's hourly housekeeping, which also runs when it starts, analyzes the database."""
    engine = app.extensions["plugcrm"].engine
    add(app, "test.record")
    Worker(app).prune_now_and_then()
    if is_postgres():
        return  # PostgreSQL analyzes by itself (autovacuum; imports analyze the table they fill)
    with engine.connect() as conn:
        analyzed = {row[0] for row in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    assert "core_jobs" in analyzed
