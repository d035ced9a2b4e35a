"""The workflows plugin's public services: other plugins (deal_alerts) use these, not the tables.

* :func:`save_workflow` / :func:`upsert_keyed` - check, store, invalidate the cache, schedule;
* :func:`install_defaults` - the ``crm_default_workflows`` of the enabled plugins;
* :func:`dry_run` - what a workflow would do for a record, without doing it;
* :func:`run_manual` - the "run on this record" button / API call;
* :func:`runs_json` - the run log with each job's current status.
"""
from __future__ import annotations

import copy
import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core.bounds import MAX_INT, is_id
from core.db import session
from core.entities import records
from core.errors import NotFound, ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from plugins.workflows import cache, engine
from plugins.workflows.definitions import CompiledWorkflow, clean_definition, compile_definition
from plugins.workflows.fieldpaths import RecordView
from plugins.workflows.loops import find_loop
from plugins.workflows.models import Run, Workflow
from plugins.workflows.owners import required_plugins, status
from plugins.workflows.tasks.base import TaskContext
from plugins.workflows.tasks.webhook import seal_secrets
from plugins.workflows.timeutil import now

_, _l = translator("workflows")

log = logging.getLogger("plugcrm.workflows")
SECRET_MASK = "********"


# --- definitions -------------------------------------------------------------

def get_workflow(workflow_id: int) -> Workflow:
    row = session().get(Workflow, workflow_id) if is_id(workflow_id) else None
    if row is None:
        raise NotFound(_("No such workflow."))
    return row


def keep_secrets(definition: dict, row: Workflow | None) -> dict:
    """A webhook task sent back with the masked secret keeps the stored one."""
    old_tasks = row.tasks if row is not None else []
    for i, task in enumerate(definition["tasks"]):
        if task.get("type") == "webhook" and task.get("secret") in (None, SECRET_MASK):
            old = old_tasks[i] if i < len(old_tasks) else {}
            if old.get("type") == "webhook" and old.get("secret"):
                task["secret"] = old["secret"]
    return definition


def check(definition: dict, workflow_id: int | None) -> CompiledWorkflow:
    """Compile and refuse loops; raises a 422 naming the problem."""
    compiled = compile_definition(definition, workflow_id)
    if compiled.active:
        loop = find_loop(compiled, cache.all_compiled())
        if loop:
            raise ValidationError(_("The workflow is not valid."), {"tasks": _(
                "Recursive update loop: %(chain)s would trigger each other without end.", chain=" → ".join(loop))})
    return compiled


def save_workflow(data: dict, user=None, workflow_id: int | None = None, *, key: str | None = None,
                  plugin: str = "") -> Workflow:
    """Create (``workflow_id`` None) or replace a workflow's definition."""
    row = get_workflow(workflow_id) if workflow_id is not None else None
    definition = keep_secrets(clean_definition(copy.deepcopy(data)), row)
    compiled = check(definition, workflow_id)
    if row is None:
        row = Workflow(key=key, plugin=plugin, created_by_id=getattr(user, "id", None), created_at=now())
        session().add(row)
    definition["tasks"] = seal_secrets(definition["tasks"])
    for name in ("name", "entity", "description", "active", "log_all", "trigger", "conditions", "tasks"):
        setattr(row, name, definition[name])
    row.requires = required_plugins(row, compiled)
    row.updated_at = now()
    session().flush()
    schedule(row, compiled)
    cache.bump_generation()
    return row


def delete_workflow(workflow_id: int) -> None:
    """Remove a workflow; one installed by a plugin is switched off instead (so it is not installed again)."""
    row = get_workflow(workflow_id)
    if row.key:
        row.active = False
        row.next_run_at = None
    else:
        session().delete(row)
    session().flush()
    cache.bump_generation()


def upsert_keyed(key: str, data: dict, *, plugin: str = "", user=None) -> Workflow:
    """Create or replace the workflow a plugin owns under ``key``."""
    existing = session().scalar(sa.select(Workflow).where(Workflow.key == key))
    return save_workflow(data, user, existing.id if existing else None, key=key, plugin=plugin)


def find_keyed(key: str) -> Workflow | None:
    return session().scalar(sa.select(Workflow).where(Workflow.key == key))


def install_defaults() -> list[str]:
    """Install each enabled plugin's default workflows once (an administrator's later edits are kept)."""
    installed = []
    for impl in runtime().plugins.pm.hook.crm_default_workflows.get_hookimpls():
        for definition in impl.function() or []:
            key = definition.get("key") or f"{impl.plugin_name}:{definition.get('name')}"
            if find_keyed(key) is not None:
                continue
            try:
                with session().begin_nested():
                    upsert_keyed(key, {k: v for k, v in definition.items() if k != "key"}, plugin=impl.plugin_name)
                installed.append(key)
            except IntegrityError:  # installed by another process at the same moment
                continue
            except ValidationError as exc:
                log.warning("default workflow %s of %s is not valid: %s %s", key, impl.plugin_name, exc.message,
                            exc.fields)
    return installed


def workflow_json(row: Workflow) -> dict:
    tasks = [dict(t, secret=SECRET_MASK) if t.get("type") == "webhook" and t.get("secret") else t
             for t in row.tasks]
    state, reason = status(row)
    return {"id": row.id, "key": row.key, "plugin": row.plugin, "requires": row.requires or [], "status": state,
            "paused_reason": reason, "name": row.name, "entity": row.entity,
            "description": row.description, "active": row.active, "log_all": row.log_all, "trigger": row.trigger,
            "conditions": row.conditions, "tasks": tasks,
            "next_run_at": row.next_run_at.isoformat() if row.next_run_at else None,
            "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}


def compiled_row(row: Workflow) -> CompiledWorkflow:
    return compile_definition(cache.stored_definition(row), row.id)


# --- time-based runs ---------------------------------------------------------

def schedule(row: Workflow, compiled: CompiledWorkflow) -> None:
    """Enqueue the next sweep of a scheduled (or "once") workflow; the worker runs it, never a request."""
    from plugins.workflows.sweeps import next_due, enqueue_sweep

    due = next_due(compiled, now()) if row.active else None
    row.next_run_at = due
    if due is not None:
        enqueue_sweep(row.id, due)


# --- dry run and manual runs ------------------------------------------------

def dry_run(compiled: CompiledWorkflow, record_id, user, changes: dict | None = None, *,
            as_new: bool = False) -> dict:
    """Conditions and task previews for a record as it is, as if ``changes`` were saved, or (``as_new``)
    as if it were being created; writes nothing."""
    entity = compiled.entity
    record = records.get(entity, parse_id(record_id), user)
    old = None if as_new else record
    new = dict(record)
    if changes:
        if not isinstance(changes, dict):
            raise ValidationError(_("Some fields are not valid."), {"changes": _("Give an object of field values.")})
        new.update(records.load_input(entity, changes, partial=True))
    held, conditions = engine.evaluate(compiled, RecordView(entity, new), RecordView(entity, old) if old else None)
    tasks = []
    for task in compiled.tasks:
        ctx = TaskContext(entity, new, old, compiled.id or 0, compiled.name, user, cache.functions(),
                          task_index=task.index)
        try:
            preview = task.type.preview(task.compiled, ctx)
        except Exception as exc:  # the dry run reports what would fail instead of failing itself
            preview = {"error": str(exc)}
        entry = {"index": task.index, "type": task.type.name, "title": task.title, "would": preview}
        if task.delay is not None:
            due = task.delay.due(new)
            entry["run_at"] = due.isoformat() if due else None
        tasks.append(engine.plain_detail(entry))
    return {"matched": held, "conditions": conditions, "tasks": tasks if held else [],
            "tasks_if_matched": tasks}


def run_manual(row: Workflow, record_id, user) -> Run | None:
    """The "run on this record" action: conditions are checked, then every task runs now."""
    from core.errors import Forbidden
    from core.security.permissions import can

    compiled = compiled_row(row)
    record = records.get(compiled.entity, parse_id(record_id), user)
    if not can(user, compiled.entity, "edit", record):
        raise Forbidden(_("You may not change this record."))
    held, conditions = engine.evaluate(compiled, RecordView(compiled.entity, record), None)
    if not held:
        return engine.start_run(compiled, record["id"], "manual", False, conditions)
    with engine.nested():
        return engine.fire(compiled, record, "manual", user, conditions)


def parse_id(raw) -> int:
    try:
        value = int(raw)
        if not 1 <= value <= MAX_INT:
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise ValidationError(_("Some fields are not valid."), {"record_id": _("Not a valid record id.")}) from None


# --- the run log -------------------------------------------------------------

JOB_RESULT = {"done": "done", "queued": "queued", "running": "running", "failed": "retrying", "dead": "dead"}


def runs_for_user(runs: list[Run], entity, user) -> list[dict]:
    """:func:`runs_json` for someone who may see the record but perhaps not every field of it.

    Conditions on fields hidden from ``user`` (``crm_hidden_fields``, e.g. cost)
    keep their result but not the values; task details are left out for them.
    """
    from core.security.fields import hidden_fields

    out = runs_json(runs)
    hidden = hidden_fields(entity, user)
    if not hidden:
        return out
    for run in out:
        for group in run["conditions"].values():
            for condition in group:
                if condition["field"].split(".")[0] in hidden:
                    condition["value"] = condition["actual"] = "***"
        for task in run["tasks"]:
            task.pop("detail", None)
    return out


def runs_json(runs: list[Run]) -> list[dict]:
    """Runs with each task's job result read now (sent, queued, retrying with the error, dead)."""
    from core.jobs import Job

    job_ids = {t["job_id"] for r in runs for t in r.tasks if t.get("job_id")}
    jobs = {j.id: j for j in session().scalars(sa.select(Job).where(Job.id.in_(job_ids)))} if job_ids else {}
    owners = {row.id: row for row in session().execute(sa.select(Workflow.id, Workflow.name, Workflow.plugin)
                                                       .where(Workflow.id.in_({r.workflow_id for r in runs})))} \
        if runs else {}
    out = []
    for run in runs:
        tasks = []
        for task in run.tasks:
            task = dict(task)
            job = jobs.get(task.get("job_id"))
            if job is not None:
                result = JOB_RESULT.get(job.status, job.status)
                if result == "done" and task.get("status") == "queued":
                    result = "sent"  # the job was the side effect itself (an email, a webhook call)
                task["job"] = {"status": job.status, "result": result,
                               "attempts": job.attempts, "last_error": job.last_error}
            tasks.append(task)
        out.append({"id": run.id, "workflow_id": run.workflow_id, "workflow": getattr(owners.get(run.workflow_id), "name", None),
                    "workflow_plugin": getattr(owners.get(run.workflow_id), "plugin", None),
                    "entity": run.entity, "record_id": run.record_id, "event": run.event,
                    "at": run.at.isoformat(), "matched": run.matched, "conditions": run.conditions,
                    "tasks": tasks, "note": run.note})
    return out
