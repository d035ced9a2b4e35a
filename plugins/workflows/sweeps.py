"""Time-based runs, executed by the job worker (never in a user's request).

A scheduled workflow keeps exactly one pending ``workflows.sweep`` job: due
at its next time (``Workflow.next_run_at``, computed in the deployment's time
zone with :mod:`core.clock`).  The job runs the workflow over the records that
match, then enqueues the next one in the same transaction, so a crashed
worker loses nothing and an edited schedule simply supersedes the old job
(a sweep whose due time is no longer the workflow's ``next_run_at`` does nothing).

"Once" workflows are re-checked every day shortly after midnight, because
date conditions ("expected close date in less than 3 days") become true
without anyone saving the record (``"recheck": false`` in the trigger turns
this off: then only saves count, as for deal alerts).  Firing is claimed per (workflow, record)
under a unique key, so two workers sweeping at once still fire each record once.
"""
from __future__ import annotations

import datetime as dt


from core.db import session
from core.entities.query import visible_select
from core.entities.records import entity_fields, row_to_record
from core.i18n import deployment_tz
from plugins.workflows import engine
from plugins.workflows.actor import system_actor
from plugins.workflows.definitions import CompiledWorkflow
from plugins.workflows.fieldpaths import RecordView
from plugins.workflows.owners import pause_reason
from plugins.workflows.schedules import Schedule
from plugins.workflows.timeutil import now

JOB_TYPE = "workflows.sweep"
RECHECK = Schedule("daily", time=dt.time(0, 10))
BATCH = 500


def next_due(compiled: CompiledWorkflow, after: dt.datetime) -> dt.datetime | None:
    if compiled.trigger == "scheduled":
        return compiled.schedule.next_after(after, deployment_tz())
    if compiled.trigger == "once" and compiled.recheck:
        return RECHECK.next_after(after, deployment_tz())
    return None


def enqueue_sweep(workflow_id: int, due: dt.datetime | None) -> int:
    """Queue a sweep (``due`` None: run now, e.g. the "run now" button)."""
    from core.jobs import enqueue

    stamp = due.isoformat() if due else None
    key = f"{JOB_TYPE}:{workflow_id}:{stamp}" if due else None
    return enqueue(JOB_TYPE, {"workflow_id": workflow_id, "due": stamp}, run_at=due, dedupe_key=key)


def sweep_job(payload: dict, ctx) -> None:
    """Handler of ``workflows.sweep``."""
    from plugins.workflows.models import Workflow
    from plugins.workflows.services import compiled_row

    row = session().get(Workflow, payload["workflow_id"])
    if row is None or not row.active:
        return
    due = payload.get("due")
    if due is not None and (row.next_run_at is None or row.next_run_at.isoformat() != due):
        return  # superseded by an edit of the schedule
    if pause_reason(row):  # a plugin it needs is disabled: skip this time, keep the schedule for the resume
        following = RECHECK.next_after(max(now(), row.next_run_at or now()), deployment_tz())
        row.next_run_at = following
        enqueue_sweep(row.id, following)
        return
    compiled = compiled_row(row)
    if compiled.trigger not in ("scheduled", "once"):
        return
    sweep(compiled, ctx)
    if due is not None:
        following = next_due(compiled, max(now(), row.next_run_at))
        row.next_run_at = following
        if following is not None:
            enqueue_sweep(row.id, following)


def sweep(compiled: CompiledWorkflow, ctx=None) -> int:
    """Evaluate the workflow for every record it can see; returns how many fired."""
    entity = compiled.entity
    fields = entity_fields(entity)
    actor = system_actor()
    table = entity.table
    fired, last_id, done = 0, 0, 0
    while True:
        rows = session().execute(visible_select(entity, actor).where(table.c.id > last_id)
                                 .order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return fired
        for row in rows:
            record = row_to_record(entity, row, fields)
            last_id = record["id"]
            fired += fire_if_held(compiled, record, actor)
        done += len(rows)
        if ctx is not None:
            ctx.progress(done)


def fire_if_held(compiled: CompiledWorkflow, record: dict, actor) -> int:
    view = RecordView(compiled.entity, record)
    held, conditions = engine.evaluate(compiled, view, view)  # old = new: nothing "has changed" in a sweep
    if not held:
        return 0
    if compiled.trigger == "once":
        if not engine.claim_once(compiled.id, record["id"]):
            return 0
        event = "recheck"
    else:
        event = "scheduled"
    with engine.nested():
        engine.fire(compiled, record, event, actor, conditions)
    return 1
