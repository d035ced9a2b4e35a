"""``/api/v1/workflows``: definitions (administrators), dry run, manual run, run logs.

* ``GET|POST /``, ``GET|PUT|DELETE /<id>`` - definitions (see :mod:`plugins.workflows.definitions`);
* ``POST /test`` ``{"definition", "record_id", "changes"?}`` and ``POST /<id>/test`` - the dry run;
* ``POST /<id>/run`` ``{"record_id"}`` - run on one record now (manual trigger), or without a
  record for scheduled / once workflows: queue a sweep for the worker;
* ``GET /<id>/runs`` and ``GET /runs?entity=&record_id=`` - the run log;
* ``GET /meta`` - triggers, operators per field type, task types and functions for editors.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from core.api import schemas
from core.api.contract import operation
from core.api.paging import int_param
from core.db import session
from core.entities import records
from core.errors import BadRequest, Forbidden
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from plugins.workflows import schemas as shapes, services
from plugins.workflows.conditions import OPERATORS_BY_TYPE, operators_for
from plugins.workflows.definitions import TRIGGERS, clean_definition, compile_definition, functions, task_types
from plugins.workflows.models import Run, Workflow

_, _l = translator("workflows")

bp = Blueprint("workflows_api", __name__, url_prefix="/api/v1/workflows")
MAX_RUNS = 200


def admin():
    user = current_user_or_none()
    if user is None or not user.is_admin:
        raise Forbidden(_("Only administrators may manage workflows."))
    return user


def body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_("Send a JSON object with Content-Type: application/json."))
    return data


@bp.get("/")
@operation("Workflows", query=shapes.EntityArgs, response=schemas.listing(schemas.JSON_OBJECT))
def list_workflows():
    admin()
    stmt = sa.select(Workflow).order_by(Workflow.entity, Workflow.position, Workflow.id)
    if request.args.get("entity"):
        stmt = stmt.where(Workflow.entity == request.args["entity"])
    return jsonify({"data": [services.workflow_json(w) for w in session().scalars(stmt)]})


@bp.post("/")
@operation("Create a workflow", body=shapes.WorkflowInput, response=schemas.JSON_OBJECT, status=201)
def create_workflow():
    user = admin()
    row = services.save_workflow(body(), user)
    session().commit()
    return jsonify(services.workflow_json(row)), 201


@bp.get("/<int:workflow_id>")
@operation("One workflow", response=schemas.JSON_OBJECT)
def show_workflow(workflow_id):
    admin()
    return jsonify(services.workflow_json(services.get_workflow(workflow_id)))


@bp.put("/<int:workflow_id>")
@operation("Replace a workflow", body=shapes.WorkflowInput, response=schemas.JSON_OBJECT)
def replace_workflow(workflow_id):
    user = admin()
    row = services.save_workflow(body(), user, workflow_id)
    session().commit()
    return jsonify(services.workflow_json(row))


@bp.delete("/<int:workflow_id>")
@operation("Delete a workflow")
def delete_workflow(workflow_id):
    admin()
    services.delete_workflow(workflow_id)
    session().commit()
    return "", 204


@bp.post("/test")
@operation("Dry run of a definition on a record", body=shapes.DryRunInput, response=schemas.JSON_OBJECT)
def test_definition():
    user = admin()
    data = body()
    compiled = compile_definition(clean_definition(data.get("definition")))
    return jsonify(services.dry_run(compiled, data.get("record_id"), user, data.get("changes"),
                                    as_new=data.get("as_new") is True))


@bp.post("/<int:workflow_id>/test")
@operation("Dry run of a saved workflow on a record", body=shapes.DryRunInput, response=schemas.JSON_OBJECT)
def test_workflow(workflow_id):
    user = admin()
    data = body()
    compiled = services.compiled_row(services.get_workflow(workflow_id))
    return jsonify(services.dry_run(compiled, data.get("record_id"), user, data.get("changes"),
                                    as_new=data.get("as_new") is True))


@bp.post("/<int:workflow_id>/run")
@operation(body=shapes.RunInput, response=schemas.JSON_OBJECT)
def run_workflow(workflow_id):
    """Manual run on a record (conditions checked), or a queued sweep of a time-based workflow."""
    user = current_user_or_none()
    row = services.get_workflow(workflow_id)
    data = request.get_json(silent=True) or {}
    if data.get("record_id") is None:
        admin()
        if row.trigger.get("type") not in ("scheduled", "once"):
            raise BadRequest(_("Give the record_id to run this workflow on."))
        from plugins.workflows.sweeps import enqueue_sweep

        job_id = enqueue_sweep(row.id, None)
        session().commit()
        return jsonify({"job_id": job_id}), 202
    if row.trigger.get("type") != "manual" and not user.is_admin:
        raise Forbidden(_("Only administrators may run this workflow by hand."))
    run = services.run_manual(row, data["record_id"], user)
    session().commit()
    return jsonify(services.runs_json([run])[0])


@bp.get("/<int:workflow_id>/runs")
@operation("Run log of a workflow", query=shapes.LimitArgs, response=schemas.listing(schemas.JSON_OBJECT))
def workflow_runs(workflow_id):
    admin()
    services.get_workflow(workflow_id)
    runs = session().scalars(sa.select(Run).where(Run.workflow_id == workflow_id)
                             .order_by(Run.id.desc()).limit(limit()))
    return jsonify({"data": services.runs_json(list(runs))})


@bp.get("/runs")
@operation(query=shapes.RecordRunsArgs, response=schemas.listing(schemas.JSON_OBJECT))
def record_runs():
    """The run log of one record, for anyone who may see the record."""
    user = current_user_or_none()
    entity_name = request.args.get("entity")
    if entity_name not in runtime().registry.entities:
        raise BadRequest(_("Give a known entity."), {"entity": _("Unknown entity.")})
    entity = runtime().registry.get(entity_name)
    record = records.get(entity, services.parse_id(request.args.get("record_id")), user)
    runs = session().scalars(sa.select(Run).where(Run.entity == entity.name, Run.record_id == record["id"])
                             .order_by(Run.id.desc()).limit(limit()))
    return jsonify({"data": services.runs_for_user(list(runs), entity, user)})


@bp.get("/meta")
@operation("Triggers, operators, task types and functions for editors", response=schemas.JSON_OBJECT)
def meta():
    admin()
    return jsonify({"triggers": list(TRIGGERS),
                    "operators": {t: list(operators_for(t)) for t in OPERATORS_BY_TYPE},
                    "task_types": {name: str(t.label) for name, t in sorted(task_types().items())},
                    "functions": sorted(functions())})


def limit() -> int:
    return int_param(request.args, "limit", 50, 1, MAX_RUNS)
