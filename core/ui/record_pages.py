"""Detail, create and edit pages for any entity, plus the reference type-ahead lookup."""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import attachments, notes
from core.audit import history
from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.entities.query import capped_count, escape_like, search_condition, visible_select
from core.errors import Conflict, DuplicateWarning, ValidationError
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields, strip_hidden
from core.security.permissions import can, require_right
from core.ui.blueprint import ui
from core.ui.forms import (block_labels, form_fields, reference_titles, submitted, unresolved_references,
                           user_choices)
from core.ui.history import history_rows

RELATED_ROWS = 20
LOOKUP_LIMIT = 15


def field_blocks(entity, fields) -> list[tuple[str, list]]:
    """Fields grouped by their ``block`` (built-ins first, custom fields in their own block)."""
    labels = block_labels(entity)
    blocks: dict[str, list] = {}
    for f in fields:
        blocks.setdefault(f.block or ("custom" if f.custom else "main"), []).append(f)
    return [(labels.get(name, name), items) for name, items in blocks.items()]


def related_tabs(entity, record_id: int, user) -> list[dict]:
    tabs = []
    cap = runtime().settings.list_count_cap
    for rel in runtime().registry.related.get(entity.name, []):
        child = runtime().registry.get(rel.entity)
        if not can(user, child, "view"):
            continue
        stmt = visible_select(child, user).where(child.table.c[rel.field] == record_id)
        count, _exact = capped_count(session(), stmt, cap)
        fields = runtime().registry.fields(child)
        hidden = hidden_fields(child, user)
        rows = [strip_hidden(records.row_to_record(child, r, fields), hidden)
                for r in session().execute(stmt.order_by(child.table.c.id.desc()).limit(RELATED_ROWS))]
        field_map = {f.name: f for f in fields if f.name not in hidden}
        columns = [field_map[n] for n in child.default_columns if n in field_map and n != rel.field]
        tabs.append({"key": f"rel-{rel.entity}-{rel.field}", "label": str(rel.label or child.label),
                     "entity": child, "count": count, "rows": rows, "columns": columns,
                     "display": display_values(child, rows, user),
                     "more_url": url_for("ui.list_view", entity_name=child.name, **{rel.field: record_id}),
                     "new_url": url_for("ui.new_record", entity_name=child.name, **{rel.field: record_id})})
    return tabs


def record_panels(entity) -> list[dict]:
    panels = [p for group in runtime().hook.crm_record_panels(entity=entity) for p in group or []]
    return sorted(panels, key=lambda p: p.get("order", 100))


def has_api(path_end: str) -> bool:
    return any(r.rule == f"/api/v1/<entity_name>/<int:record_id>/{path_end}" for r in current_app.url_map.iter_rules())


def extras_counts(entity, record_id: int) -> dict:
    """Notes and attachments on the record, for the tab badges (the record is already known visible)."""
    return {"notes": notes.count(entity.name, record_id), "attachments": attachments.count(entity.name, record_id)}


@ui.get("/records/<entity_name>/<int:record_id>")
def detail(entity_name, record_id):
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "view")
    hidden = hidden_fields(entity, user)
    record = strip_hidden(records.get(entity, record_id, user), hidden)
    fields = [f for f in runtime().registry.fields(entity) if f.name not in hidden]
    history = history_rows(entity, record_id, hidden)
    return render_template("ui/detail.html", entity=entity, record=record, blocks=field_blocks(entity, fields),
                           display=display_values(entity, [record], user)[0], tabs=related_tabs(entity, record_id, user),
                           panels=record_panels(entity), history=history,
                           notes_api=has_api("notes"), attachments_api=has_api("attachments"),
                           extras_counts=extras_counts(entity, record_id),
                           can_edit=can(user, entity, "edit", record), can_delete=can(user, entity, "delete", record))


def form_fields_of(entity, user) -> list:
    hidden = hidden_fields(entity, user)
    return [f for f in runtime().registry.fields(entity) if f.name not in hidden]


def render_form(entity, record, values, errors=None, conflict=None, duplicates=None, status=200):
    user = current_user_or_none()
    fields = form_fields(entity, hidden_fields(entity, user))
    typed = {f.field.name: request.form.get(f"{f.field.name}__text") for f in fields
             if f.widget == "reference" and request.method == "POST"}
    return render_template("ui/form.html", entity=entity, record=record, values=values, errors=errors or {},
                           block_labels=block_labels(entity), duplicates=duplicates,
                           form_fields=fields, conflict=conflict, users=user_choices() if entity.owned else [],
                           titles=reference_titles(entity, values, user), typed=typed), status


def refuse_unresolved(entity, user, record, values):
    """The form again with an error at each reference whose typed text names no picked record, else None."""
    errors = unresolved_references(form_fields_of(entity, user), request.form)
    if not errors:
        return None
    flash(_("Some fields are not valid."), "error")
    return render_form(entity, record, values, errors, status=422)


@ui.route("/records/<entity_name>/new", methods=["GET", "POST"])
def new_record(entity_name):
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "create")
    fields = runtime().registry.fields(entity)
    if request.method == "GET":
        values = {f.name: request.args.get(f.name) for f in fields if request.args.get(f.name)}
        for f in fields:
            if f.name not in values and f.default is not None and not callable(f.default):
                values[f.name] = f.default
        values.setdefault("owner_id", user.id)
        return render_form(entity, None, values)
    data = submitted(form_fields_of(entity, user), request.form)
    refused = refuse_unresolved(entity, user, None, data)
    if refused:
        return refused
    if request.form.get("confirm_duplicate") == "1":
        data["confirm_duplicate"] = True
    try:
        record = records.create(entity, data, user)
    except ValidationError as exc:
        session().rollback()
        flash(exc.message, "error")
        return render_form(entity, None, data, exc.fields, status=422)
    except DuplicateWarning as exc:  # show who already has it; the user may still create it on purpose
        session().rollback()
        return render_form(entity, None, data, duplicates=exc.extra.get("matches") or [], status=409)
    session().commit()
    flash(_("Saved."), "success")
    return redirect(url_for("ui.detail", entity_name=entity.name, record_id=record["id"]))


@ui.route("/records/<entity_name>/<int:record_id>/edit", methods=["GET", "POST"])
def edit_record(entity_name, record_id):
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    record = records.get(entity, record_id, user)
    require_right(user, entity, "edit", record)
    if request.method == "GET":
        return render_form(entity, record, record)
    data = submitted(form_fields_of(entity, user), request.form)
    refused = refuse_unresolved(entity, user, record, {**record, **data})
    if refused:
        return refused
    try:
        updated = records.update(entity, record_id, data, user,
                                 expected_version=records.parse_version(request.form.get("version") or record["version"]))
    except ValidationError as exc:
        session().rollback()
        flash(exc.message, "error")
        return render_form(entity, record, {**record, **data}, exc.fields, status=422)
    except Conflict:
        session().rollback()
        current = records.get(entity, record_id, user)
        seen = records.parse_version(request.form.get("version") or current["version"])
        return render_form(entity, current, {**current, **data},
                           conflict=conflict_rows(entity, current, seen, data), status=409)
    session().commit()
    flash(_("Saved."), "success")
    return redirect(url_for("ui.detail", entity_name=entity.name, record_id=updated["id"]))


def conflict_rows(entity, current: dict, seen_version: int, mine: dict) -> list[dict]:
    """What others changed since the version this form was opened at, beside what this user typed.

    Every write after creation adds one audit entry and one version, so the
    entries after the ``seen_version - 1``-th write are the other changes.
    """
    writes = [h for h in history(entity.name, current["id"]) if h["action"] != "create"]
    changed: dict[str, list] = {}
    for entry in writes[max(seen_version - 1, 0):]:
        for name, (old, new) in entry["changes"].items():
            changed.setdefault(name, [old, new])[1] = new
    hidden = hidden_fields(entity, current_user_or_none())
    fields = runtime().registry.field_map(entity)
    return [{"field": f, "before": changed[name][0], "theirs": current.get(name), "mine": mine.get(name)}
            for name, f in fields.items() if name in changed and name not in hidden]


@ui.post("/records/<entity_name>/<int:record_id>/delete")
def delete_record(entity_name, record_id):
    """Move one record to the recycle bin; the message that says so offers to undo it."""
    entity = runtime().registry.get(entity_name)
    records.delete(entity, record_id, current_user_or_none())
    session().commit()
    flash(_("Moved to the recycle bin."), "success")
    flash(url_for("ui.restore_record", entity_name=entity.name, record_id=record_id), "undo")
    return redirect(url_for("ui.list_view", entity_name=entity.name))


@ui.get("/records/<entity_name>/lookup")
def lookup(entity_name):
    """Type-ahead for reference fields: records of ``entity`` the user can see, matching ``q``."""
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "view")
    table = entity.table
    title = table.c[entity.title_field]
    columns = [table.c.id, title] + ([table.c.number] if entity.numbering else [])
    stmt = visible_select(entity, user, *columns)
    q = (request.args.get("q") or "").strip()
    if q:
        condition = search_condition(entity, q) if entity.search_fields else None
        stmt = stmt.where(condition if condition is not None
                          else title.ilike(f"%{escape_like(q)}%", escape="\\"))
    rows = session().execute(stmt.order_by(title).limit(LOOKUP_LIMIT)).all()
    return jsonify({"data": [{"id": r[0], "title": r[1], "number": r[2] if entity.numbering else None}
                             for r in rows]})
