"""The workflow designer: create, edit, test on a record and delete workflows from pages.

The pages call the same services as ``/api/v1/workflows`` (same rights: administrators), never the
API over HTTP.  The editor is one form; its script (``static/designer.js``) builds the definition
from the rows the administrator fills in and posts it as JSON in the ``definition`` field, with
``action`` = ``save`` or ``test``.  "Test on a record" is the dry run: it renders the conditions
with their values and what each task would do, and writes nothing.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from core.db import session
from core.entities import picklists, records
from core.entities.query import all_fields
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.security.models import Role
from core.ui.admin import role_label
from core.ui.forms import user_choices
from plugins.workflows import expressions as ex, services
from plugins.workflows.cache import functions as workflow_functions
from plugins.workflows.conditions import EXPRESSION_OPS, operators_for
from plugins.workflows.definitions import clean_definition, compile_definition, task_types
from plugins.workflows.fieldpaths import expression_type_of
from plugins.workflows.labels import DAY_LABELS, OPERATOR_LABELS, SCHEDULE_LABELS, STATUS_LABELS, TRIGGER_LABELS, label
from plugins.workflows.views import pages, require_admin

_, _l = translator("workflows")

#: task types with a form of their own in the designer; every other type gets one from its ``params``
OWN_FORMS = {"update_fields", "send_email", "create_record"}
EMPTY = {"name": "", "description": "", "active": True, "trigger": {"type": "save"},
         "conditions": {"all": [], "any": []}, "tasks": []}


@pages.get("/new")
def new():
    require_admin()
    entity = request.args.get("entity")
    definition = dict(EMPTY, entity=entity if entity in runtime().registry.entities else default_entity())
    return editor(definition, None)


@pages.post("/new")
def create():
    user = require_admin()
    return submitted(user, None)


@pages.get("/<int:workflow_id>/edit")
def edit(workflow_id):
    require_admin()
    row = services.get_workflow(workflow_id)
    return editor(services.workflow_json(row), row.id)


@pages.post("/<int:workflow_id>/edit")
def update(workflow_id):
    user = require_admin()
    services.get_workflow(workflow_id)
    return submitted(user, workflow_id)


@pages.get("/<int:workflow_id>/delete")
def confirm_delete(workflow_id):
    require_admin()
    return render_template("workflows/delete.html", workflow=services.get_workflow(workflow_id))


@pages.post("/<int:workflow_id>/delete")
def delete(workflow_id):
    require_admin()
    row = services.get_workflow(workflow_id)
    name, keyed = row.name, bool(row.key)
    services.delete_workflow(workflow_id)
    session().commit()
    flash(_("The workflow %(name)s was switched off (a plugin installed it).", name=name) if keyed else
          _("The workflow %(name)s was deleted.", name=name), "success")
    return redirect(url_for("workflows_pages.index"))


@pages.post("/expression")
def check_expression():
    """Validation as you type: ``{"ok": true, "type": ...}`` or ``{"ok": false, "error": ...}``."""
    require_admin()
    data = request.get_json(silent=True) or {}
    entity = runtime().registry.entities.get(data.get("entity"))
    if entity is None:
        return {"ok": False, "error": _("Choose the entity first.")}
    try:
        expression = ex.compile_expression(data.get("source"), expression_type_of(entity), workflow_functions())
    except ex.ExpressionError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "type": expression.type}


def submitted(user, workflow_id: int | None):
    """The editor's form: ``action=test`` runs the dry run, ``action=save`` stores the workflow."""
    raw = request.form.get("definition", "")
    try:
        definition = json.loads(raw)
    except ValueError:
        definition = None
    if not isinstance(definition, dict):
        flash(_("The form could not be read; please try again."), "error")
        return editor(dict(EMPTY, entity=default_entity()), workflow_id, status=422)
    if request.form.get("action") == "test":
        return dry_run(definition, workflow_id, user)
    try:
        row = services.save_workflow(definition, user, workflow_id)
    except ValidationError as exc:
        session().rollback()
        return editor(definition, workflow_id, errors=exc.fields, message=exc.message, status=422)
    session().commit()
    flash(_("The workflow %(name)s was saved.", name=row.name), "success")
    return redirect(url_for("workflows_pages.show", workflow_id=row.id))


def dry_run(definition: dict, workflow_id: int | None, user):
    record_id = request.form.get("record_id")
    try:
        compiled = compile_definition(clean_definition(definition), workflow_id)
        if not record_id:
            raise ValidationError(_("Choose a record to test on."), {"record_id": _("Choose a record to test on.")})
        result = services.dry_run(compiled, record_id, user, changes_of(request.form.get("changes")))
    except ValidationError as exc:
        session().rollback()
        return editor(definition, workflow_id, errors=exc.fields, message=exc.message, status=422)
    session().rollback()  # a dry run writes nothing
    return editor(definition, workflow_id, test=result, test_record=record_title(definition, record_id))


def changes_of(raw) -> dict | None:
    """The optional "as if these fields changed" of the dry run (field → value) from the form."""
    try:
        changes = json.loads(raw) if raw else None
    except ValueError:
        changes = None
    return changes if isinstance(changes, dict) and changes else None


def record_title(definition: dict, record_id) -> dict:
    entity = runtime().registry.entities.get(definition.get("entity"))
    if entity is None:
        return {"id": record_id, "title": record_id}
    record = records.get(entity, services.parse_id(record_id), require_admin())
    return {"id": record["id"], "title": record.get(entity.title_field) or f"#{record['id']}"}


def editor(definition: dict, workflow_id: int | None, *, errors: dict | None = None, message: str | None = None,
           test: dict | None = None, test_record: dict | None = None, status: int = 200):
    entities = runtime().registry.entities
    entity_name = definition.get("entity") if definition.get("entity") in entities else default_entity()
    meta = designer_meta(entity_name)
    if message:
        flash(message, "error")
    page = render_template("workflows/edit.html", definition=definition, workflow_id=workflow_id, meta=meta,
                           errors=errors or {}, test=test, test_record=test_record,
                           entity=entities.get(entity_name), entities=sorted(entities.values(), key=lambda e:
                                                                             str(e.label)),
                           trigger_labels={k: str(v) for k, v in TRIGGER_LABELS.items()},
                           operator_label=lambda op: label(OPERATOR_LABELS, op),
                           status_label=lambda s: label(STATUS_LABELS, s))
    return page, status


def default_entity() -> str | None:
    entities = runtime().registry.entities
    return "opportunities" if "opportunities" in entities else next(iter(sorted(entities)), None)


def field_json(f) -> dict:
    out = {"name": f.name, "label": str(f.label or f.name), "type": f.type, "ops": list(operators_for(f.type)),
           "writable": not f.readonly and f.name not in ("id", "number", "created_at", "updated_at", "version")}
    if f.type in ("picklist", "multipicklist") and f.picklist:
        try:
            labels = picklists.labels(f.picklist)
            out["values"] = [[v.value, labels.get(v.value, v.value)] for v in picklists.values(f.picklist) if v.active]
        except Exception:  # a picklist not installed yet: free text
            out["values"] = []
    if f.type == "reference":
        out["target"] = f.target
    return out


def designer_meta(entity_name: str | None) -> dict:
    """Everything the editor's script needs, in the user's language."""
    entities = runtime().registry.entities
    fields = {name: [field_json(f) for f in all_fields(e).values()] for name, e in entities.items()}
    types = {}
    for name, task_type in sorted(task_types().items()):
        types[name] = {"label": str(task_type.label), "own_form": name in OWN_FORMS,
                       "params": [p.as_json() for p in task_type.params]}
    return {
        "entity": entity_name, "fields": fields,
        "entities": {name: str(e.label) for name, e in entities.items()},
        "operators": {op: str(text) for op, text in OPERATOR_LABELS.items()},
        "expression_ops": {kind: list(ops) for kind, ops in EXPRESSION_OPS.items()},
        "schedules": {k: str(v) for k, v in SCHEDULE_LABELS.items()},
        "days": {k: str(v) for k, v in DAY_LABELS.items()},
        "task_types": types,
        "functions": sorted(workflow_functions()),
        "users": [[uid, name] for uid, name in user_choices()],
        "roles": [[r.name, role_label(r)] for r in session().scalars(sa.select(Role).order_by(Role.id))],
        "expression_url": url_for("workflows_pages.check_expression"),
        "lookup_url": url_for("ui.lookup", entity_name="__entity__"),
    }
