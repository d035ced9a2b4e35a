"""Running workflows when records are saved.

Two moments of one save (both inside the caller's transaction):

* ``before_save`` (the ``crm_before_save`` hook): the workflows of the entity
  whose trigger fits are evaluated against the values about to be written;
  for those whose conditions hold, "update fields" tasks change those values
  directly, so the row is written once with the computed fields and there is
  no second save that could cascade.
* ``after_save`` (``crm_after_save``): the record now has its id; "once"
  workflows claim (workflow, record) under a unique key, the other tasks run
  (each in a savepoint: a failing task is logged, the save still succeeds) and
  enqueue their durable jobs, delayed tasks are enqueued with their due time,
  and the run log is written.

Re-entry is bounded: a task that saves another record (create a record, a
delayed field update) runs that save's workflows one level deeper, and at
:data:`MAX_DEPTH` the chain stops and says so in the log.  Definitions that
would trigger each other forever are refused when saved (see
:mod:`plugins.workflows.loops`).
"""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field as dc_field

import sqlalchemy as sa
from flask import g
from sqlalchemy.exc import IntegrityError

from core.db import session
from core.plugin_api import translator
from plugins.workflows import cache
from plugins.workflows.conditions import plain
from plugins.workflows.definitions import CompiledWorkflow, CompiledTask
from plugins.workflows.fieldpaths import RecordView
from plugins.workflows.models import FiredOnce, Run
from plugins.workflows.tasks.base import TaskContext
from plugins.workflows.timeutil import local_today, now

_, _l = translator("workflows")

log = logging.getLogger("plugcrm.workflows")
MAX_DEPTH = 3
MAX_PENDING = 5000
DELAYED_JOB = "workflows.delayed_task"


@dataclass
class Evaluation:
    workflow: CompiledWorkflow
    matched: bool
    conditions: dict
    tasks: list[dict] = dc_field(default_factory=list)
    note: str | None = None


@dataclass
class Pending:
    """What before_save decided, waiting for after_save of the same record."""

    entity: str
    record_id: int | None
    values: dict
    evaluations: list[Evaluation]

    def is_for(self, entity_name: str, record: dict, old: dict | None) -> bool:
        if self.entity != entity_name:
            return False
        if old is not None:
            return self.record_id == old["id"]
        return self.record_id is None and all(record[k] == v for k, v in self.values.items() if k in record)


# --- re-entry ----------------------------------------------------------------

def depth() -> int:
    return g.get("_wf_depth", 0)


@contextlib.contextmanager
def nested():
    """Run a workflow-caused save one level deeper; yields ``False`` when the chain is too long."""
    level = depth()
    if level >= MAX_DEPTH:
        yield False
        return
    g._wf_depth = level + 1
    try:
        yield True
    finally:
        g._wf_depth = level


def pending_stack() -> list[Pending]:
    stack = g.get("_wf_pending")
    if stack is None:
        stack = g._wf_pending = []
    return stack


def take_pending(entity_name: str, record: dict, old: dict | None) -> Pending | None:
    """The decision made in before_save for this record.

    Updates match by id.  New records have no id yet, so they match by their
    values: the bulk importer runs every row's before_save first and then every
    after_save, and identical values would have got identical decisions.  An
    entry never taken belongs to a save that failed validation after before_save.
    """
    stack = pending_stack()
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].is_for(entity_name, record, old):
            return stack.pop(i)
    return None


# --- evaluating --------------------------------------------------------------

def holds(workflow: CompiledWorkflow, new: RecordView, old: RecordView | None, today) -> bool:
    """Whether the conditions hold (short-circuits: this runs for every workflow on every save)."""
    return all(c.holds(new, old, today) for c in workflow.all) and \
        (not workflow.any or any(c.holds(new, old, today) for c in workflow.any))


def evaluate(workflow: CompiledWorkflow, new: RecordView, old: RecordView | None,
             today=None) -> tuple[bool, dict]:
    """Whether the conditions hold, with each condition's result (the run log's "why")."""
    today = today or local_today()
    all_results = [c.evaluate(new, old, today) for c in workflow.all]
    any_results = [c.evaluate(new, old, today) for c in workflow.any]
    held = all(r["held"] for r in all_results) and (not any_results or any(r["held"] for r in any_results))
    return held, {"all": all_results, "any": any_results}


def claimed_once(workflow_ids: list[int], record_id: int) -> set[int]:
    if not workflow_ids:
        return set()
    return set(session().scalars(sa.select(FiredOnce.workflow_id).where(
        FiredOnce.workflow_id.in_(workflow_ids), FiredOnce.record_id == record_id)))


def claim_once(workflow_id: int, record_id: int) -> bool:
    """Insert the (workflow, record) claim; ``False`` when it already fired (here or in another worker)."""
    sess = session()
    try:
        with sess.begin_nested():
            sess.execute(sa.insert(FiredOnce).values(workflow_id=workflow_id, record_id=record_id, fired_at=now()))
    except IntegrityError:
        return False
    return True


def before_save(entity, values: dict, old: dict | None, user) -> None:
    if depth() >= MAX_DEPTH:
        return
    event = "create" if old is None else "update"
    workflows = [w for w in cache.compiled_for(entity.name) if w.fires_on(event)]
    if not workflows:
        return
    old_view = RecordView(entity, old) if old is not None else None
    new_view = RecordView(entity, values)  # reads ``values`` live: later workflows see earlier updates
    today = local_today()
    evaluations = []
    for workflow in workflows:
        if not workflow.log_all and not holds(workflow, new_view, old_view, today):
            continue
        if workflow.trigger == "once" and old is not None and claimed_once([workflow.id], old["id"]):
            continue
        held, conditions = evaluate(workflow, new_view, old_view, today)
        if not held and not workflow.log_all:
            continue
        evaluation = Evaluation(workflow, held, conditions)
        if held:
            apply_in_save_tasks(evaluation, values, old, user)
        evaluations.append(evaluation)
    if evaluations:
        stack = pending_stack()
        stack.append(Pending(entity.name, old["id"] if old else None, values, evaluations))
        del stack[:-MAX_PENDING]


def apply_in_save_tasks(evaluation: Evaluation, values: dict, old: dict | None, user) -> None:
    workflow = evaluation.workflow
    for task in workflow.tasks:
        if task.type.in_save and task.delay is None:
            ctx = TaskContext(workflow.entity, values, old, workflow.id, workflow.name, user, cache.functions())
            try:
                result = task.type.apply(task.compiled, values, ctx)
            except Exception as exc:  # a bad value is logged; the user's save still succeeds
                result = {"status": "failed", "detail": str(exc)}
            evaluation.tasks.append(task_entry(task, result))


def after_save(entity, record: dict, old: dict | None, user) -> None:
    pending = take_pending(entity.name, record, old)
    if pending is None:
        return
    event = "create" if old is None else "update"
    for evaluation in pending.evaluations:
        workflow = evaluation.workflow
        if evaluation.matched and workflow.trigger == "once" and not claim_once(workflow.id, record["id"]):
            continue
        run = start_run(workflow, record["id"], event, evaluation.matched, evaluation.conditions)
        run_tasks(workflow, evaluation.tasks, record, old, user, run, skip_in_save=True,
                  enabled=evaluation.matched)


def fire(workflow: CompiledWorkflow, record: dict, event: str, user, conditions: dict) -> Run:
    """Run every task of a matched workflow outside a save (manual, scheduled, re-check)."""
    run = start_run(workflow, record["id"], event, True, conditions)
    run_tasks(workflow, [], record, None, user, run, skip_in_save=False, enabled=True)
    return run


def start_run(workflow: CompiledWorkflow, record_id: int, event: str, matched: bool, conditions: dict) -> Run:
    run = Run(workflow_id=workflow.id, entity=workflow.entity.name, record_id=record_id, event=event, at=now(),
              matched=matched, conditions=conditions, tasks=[])
    session().add(run)
    session().flush()
    return run


def run_tasks(workflow: CompiledWorkflow, done: list[dict], record: dict, old: dict | None, user, run: Run, *,
              skip_in_save: bool, enabled: bool) -> None:
    entries = list(done)
    if enabled:
        for task in workflow.tasks:
            if skip_in_save and task.type.in_save and task.delay is None:
                continue
            entries.append(task_entry(task, run_one(workflow, task, record, old, user, run.id)))
    entries.sort(key=lambda e: e["index"])
    run.tasks = entries
    session().flush()


def run_one(workflow: CompiledWorkflow, task: CompiledTask, record: dict, old: dict | None, user,
            run_id: int) -> dict:
    if task.delay is not None:
        return enqueue_delayed(workflow, task, record, run_id)
    ctx = TaskContext(workflow.entity, record, old, workflow.id, workflow.name, user, cache.functions(),
                      run_id=run_id, task_index=task.index)
    sess = session()
    try:
        with sess.begin_nested():
            return task.type.run(task.compiled, ctx)
    except Exception as exc:  # a failing task is reported in the run log; the save itself goes on
        log.warning("workflow %s task %s failed: %s", workflow.id, task.index, exc)
        return {"status": "failed", "detail": str(exc)}


def enqueue_delayed(workflow: CompiledWorkflow, task: CompiledTask, record: dict, run_id: int) -> dict:
    from core.jobs import enqueue

    due = task.delay.due(record)
    if due is None:
        return {"status": "skipped", "detail": _("%(name)s is empty, so the delayed task has no date.",
                                                 name=task.delay.after_field)}
    job_id = enqueue(DELAYED_JOB, {"workflow_id": workflow.id, "task_index": task.index,
                                   "entity": workflow.entity.name, "record_id": record["id"], "run_id": run_id},
                     run_at=max(due, now()))
    return {"status": "scheduled", "job_id": job_id, "detail": {"run_at": due.isoformat()}}


def task_entry(task: CompiledTask, result: dict) -> dict:
    entry = {"index": task.index, "type": task.type.name, "title": task.title,
             "status": result.get("status", "done")}
    if result.get("job_id") is not None:
        entry["job_id"] = result["job_id"]
    if result.get("detail") is not None:
        entry["detail"] = plain_detail(result["detail"])
    return entry


def plain_detail(detail):
    if isinstance(detail, dict):
        return {k: plain_detail(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [plain_detail(v) for v in detail]
    return plain(detail)
