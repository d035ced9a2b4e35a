"""Job handlers of the workflows plugin (registered through ``crm_job_handlers``)."""
from __future__ import annotations

from core.db import session
from core.runtime import runtime
from plugins.workflows import engine
from plugins.workflows.actor import system_actor
from plugins.workflows.models import Run, Workflow
from plugins.workflows.sweeps import JOB_TYPE as SWEEP_JOB, sweep_job
from plugins.workflows.tasks.base import TaskContext
from plugins.workflows.tasks.webhook import JOB_TYPE as WEBHOOK_JOB, webhook_job


def delayed_task_job(payload: dict, ctx) -> None:
    """Run one delayed task now, on the record as it is now (skipped if the record or workflow is gone)."""
    from core.entities import records
    from plugins.workflows.services import compiled_row

    row = session().get(Workflow, payload["workflow_id"])
    entity = runtime().registry.entities.get(payload["entity"])
    record = records.fetch(entity, payload["record_id"]) if entity is not None else None
    run = session().get(Run, payload.get("run_id"))
    if row is None or not row.active or record is None or record.get("deleted_at") is not None:
        update_run(run, payload["task_index"], {"status": "skipped", "detail": "record or workflow gone"})
        return
    compiled = compiled_row(row)
    task = next((t for t in compiled.tasks if t.index == payload["task_index"]), None)
    if task is None:
        update_run(run, payload["task_index"], {"status": "skipped", "detail": "task removed"})
        return
    task_ctx = TaskContext(compiled.entity, record, None, compiled.id, compiled.name, system_actor(),
                           engine.cache.functions(), run_id=run.id if run else None, task_index=task.index)
    with engine.nested():
        result = task.type.run(task.compiled, task_ctx)
    update_run(run, task.index, result)


def update_run(run: Run | None, index: int, result: dict) -> None:
    if run is None:
        return
    tasks = [dict(t) for t in run.tasks]
    for task in tasks:
        if task["index"] == index:
            task["status"] = result.get("status", "done")
            if result.get("job_id") is not None:
                task["delayed_job_id"] = task.get("job_id")
                task["job_id"] = result["job_id"]
            if result.get("detail") is not None:
                task["detail"] = engine.plain_detail(result["detail"])
    run.tasks = tasks


HANDLERS = {engine.DELAYED_JOB: delayed_task_job, SWEEP_JOB: sweep_job, WEBHOOK_JOB: webhook_job}
