"""The generic list view of any entity: columns, sort, filters, search, saved filters, mass actions.

The list reads exactly like ``GET /api/v1/<entity>``: the query string is
cleaned into the API's parameters and goes through ``parse_list_args``,
``apply_params`` and ``visible_select``; the count is capped.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from werkzeug.datastructures import MultiDict

from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.entities.query import apply_params, fetch_page, parse_list_args, visible_fields, visible_select
from core.errors import BadRequest, CRMError, NotFound, ValidationError
from core.importexport.formats import export_buttons
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.permissions import can, require_right
from core.security.redirects import local_target
from core.ui.blueprint import ui
from core.ui.filters import filter_specs
from core.ui.forms import form_value
from core.ui.models import ListPreference, SavedFilter
from core.ui.quick_filters import quick_filters

PAGE_SIZES = (10, 20, 30, 50)
UI_ONLY = {"saved"}


def clean_args(args) -> MultiDict:
    """The list page's query string as API list parameters: empty inputs dropped, multi-selects joined."""
    out = MultiDict()
    for key in args.keys():
        if key in UI_ONLY:
            continue
        values = [v for v in args.getlist(key) if v.strip() != ""]
        if not values:
            continue
        if key.endswith("__in"):
            out.add(key, ",".join(values))
        else:
            for value in values:
                out.add(key, value)
    return out


def preference(user, entity) -> ListPreference | None:
    return session().scalar(sa.select(ListPreference).where(ListPreference.user_id == user.id,
                                                            ListPreference.entity == entity.name))


def chosen_columns(user, entity, fields: dict) -> list:
    pref = preference(user, entity)
    names = (pref.columns if pref and pref.columns else None) or entity.default_columns
    if entity.numbering and "number" not in names and not (pref and pref.columns):
        names = ["number"] + list(names)
    return [fields[n] for n in names if n in fields]


def saved_filters(user, entity) -> list[SavedFilter]:
    return list(session().scalars(
        sa.select(SavedFilter).where(SavedFilter.entity == entity.name,
                                     sa.or_(SavedFilter.user_id == user.id, SavedFilter.shared))
        .order_by(SavedFilter.name)))


def export_url(entity) -> str | None:
    """The import/export service's export endpoint for ``entity``, when it is installed."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule in ("/api/v1/<entity_name>/export", "/api/v1/exports/<entity_name>"):
            return url_for(rule.endpoint, entity_name=entity.name)
    return None


def list_context(entity, user, args) -> dict:
    api_args = clean_args(args)
    pref = preference(user, entity)
    if "per_page" not in api_args and pref is not None:
        api_args["per_page"] = str(pref.per_page)
    params = parse_list_args(entity, api_args, user)
    sess = session()
    stmt = apply_params(entity, visible_select(entity, user), params)
    page = fetch_page(sess, entity, stmt, params, runtime().settings.list_count_cap)
    fields = runtime().registry.fields(entity)
    rows = [records.row_to_record(entity, row, fields) for row in page.rows]
    total, exact = page.total, page.exact
    everything = visible_fields(entity, user)
    return {
        "entity": entity, "rows": rows, "display": display_values(entity, rows, user),
        "columns": chosen_columns(user, entity, everything), "all_fields": list(everything.values()),
        "params": params, "args": api_args, "total": total, "exact": exact,
        "pages": max(1, -(-total // params.per_page)), "page_sizes": PAGE_SIZES,
        "filters": filter_specs(entity, everything, api_args, user), "saved": saved_filters(user, entity),
        "sort_key": args.get("sort") or entity.default_sort, "export_url": export_url(entity),
        "export_buttons": export_buttons(entity.name),
        "editable_fields": [f for f in fields if not f.readonly and f.name in everything],
        "can_create": can(user, entity, "create"), "can_delete": can(user, entity, "delete"),
        "can_edit": can(user, entity, "edit"), "can_import": can(user, entity, "import"),
        "quick": quick_filters(entity, user, args),
    }


def page_url(entity, args: MultiDict, **changes) -> str:
    merged = MultiDict(args)
    for key, value in changes.items():
        merged.pop(key, None)
        if value not in (None, ""):
            merged[key] = value
    query = urlencode(list(merged.items(multi=True)))
    return url_for("ui.list_view", entity_name=entity.name) + (f"?{query}" if query else "")


def sort_url(entity, args, current: str, name: str) -> str:
    first = current.split(",")[0] if current else ""
    return page_url(entity, args, sort=f"-{name}" if first == name else name, page=None)


@ui.get("/records/<entity_name>")
def list_view(entity_name):
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "view")
    try:
        context = list_context(entity, user, request.args)
    except BadRequest as exc:
        flash(exc.message + " " + "; ".join(f"{k}: {v}" for k, v in exc.fields.items()), "error")
        return redirect(url_for("ui.list_view", entity_name=entity.name))
    return render_template("ui/list.html", page_url=page_url, sort_url=sort_url, **context)


@ui.post("/records/<entity_name>/columns")
def save_columns(entity_name):
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "view")
    fields = visible_fields(entity, user)
    chosen = [n for n in request.form.getlist("columns") if n in fields]
    per_page = request.form.get("per_page", type=int)
    pref = preference(user, entity) or ListPreference(user_id=user.id, entity=entity.name, columns=[])
    pref.columns = chosen
    if per_page in PAGE_SIZES:
        pref.per_page = per_page
    session().add(pref)
    session().commit()
    flash(_("List settings saved."), "success")
    return redirect(local_target(request.form.get("back"), url_for("ui.list_view", entity_name=entity.name)))


@ui.post("/records/<entity_name>/filters")
def save_filter(entity_name):
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "view")
    name = (request.form.get("name") or "").strip()
    query = request.form.get("query") or ""
    if not name or len(name) > 100:
        raise ValidationError(_("Give the filter a name of 1 to 100 characters."),
                              {"name": _("This field is required.")})
    parse_list_args(entity, clean_args(MultiDict(_parse_qs(query))), user)  # refuse a broken filter now
    session().add(SavedFilter(user_id=user.id, entity=entity.name, name=name, query=query,
                              shared=request.form.get("shared") == "1"))
    session().commit()
    flash(_("Filter saved."), "success")
    return redirect(url_for("ui.list_view", entity_name=entity.name) + (f"?{query}" if query else ""))


@ui.post("/records/<entity_name>/filters/<int:filter_id>/delete")
def delete_filter(entity_name, filter_id):
    user = current_user_or_none()
    row = session().get(SavedFilter, filter_id)
    if row is None or row.entity != entity_name or (row.user_id != user.id and not user.is_admin):
        raise NotFound(_("Record not found."))
    session().delete(row)
    session().commit()
    flash(_("Filter deleted."), "success")
    return redirect(url_for("ui.list_view", entity_name=entity_name))


def _parse_qs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def selected_ids() -> list[int]:
    ids = []
    for raw in request.form.getlist("ids"):
        try:
            ids.append(int(raw))
        except ValueError:
            raise BadRequest(_("Not a valid record id.")) from None
    if not ids:
        raise BadRequest(_("Select at least one record."))
    return ids


@ui.post("/records/<entity_name>/mass")
def mass_action(entity_name):
    """Mass delete or mass edit the selected records, all or nothing."""
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    ids = selected_ids()
    action = request.form.get("action")
    back = local_target(request.form.get("back"), url_for("ui.list_view", entity_name=entity.name))
    try:
        if action == "delete":
            for record_id in ids:
                records.delete(entity, record_id, user)
            message = ngettext("%(num)d record moved to the recycle bin.",
                               "%(num)d records moved to the recycle bin.", len(ids))
        elif action == "edit":
            name = request.form.get("field") or ""
            fields = runtime().registry.field_map(entity)
            if name not in fields or fields[name].readonly:
                raise BadRequest(_("Choose a field to change."))
            value = form_value(fields[name], request.form, "value")
            for record_id in ids:
                records.update(entity, record_id, {name: value}, user)
            message = ngettext("%(num)d record changed.", "%(num)d records changed.", len(ids))
        else:
            raise BadRequest(_("Unknown action."))
    except CRMError as exc:
        session().rollback()
        detail = "; ".join(str(v) for v in exc.fields.values())
        flash(f"{exc.message} {detail}".strip(), "error")
        return redirect(back)
    session().commit()
    flash(message, "success")
    return redirect(back)
