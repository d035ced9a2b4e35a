"""Administration pages: custom fields, picklists, plugins, users, roles and rights, sharing,
numbering formats, jobs, audit log.  Each page is a thin form over the core service that the
JSON API uses too, so both behave the same."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from core.audit import AuditEntry
from core.db import session
from core.entities import custom_fields, picklists
from core.entities.fields import FIELD_TYPES
from core.errors import CRMError, Forbidden, PluginError, ValidationError
from core.entities.models import CustomFieldRow, NumberingFormat, PicklistRow
from core.entities.numbering import format_for, validate_format
from core import transfer
from core.jobs.models import STATUSES, Job
from core.plugins import PluginState, check_disable, check_enable, enabled_names
from core.ui.picklist_names import picklist_names
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.models import ACTIONS, LoginEvent, Role, User
from core.security.rights import clear_cache, effective_sharing, role_rights, set_role_rights, set_sharing
from core.security.roles import create_role, get_role
from core.security.users import create_user, deactivate_user, get_user, update_user
from core.ui.blueprint import ui
from core.ui.history import change_rows

PAGE = 50


@ui.before_request
def _admins_only():
    if request.endpoint and request.endpoint.startswith("ui.admin"):
        user = current_user_or_none()
        if user is not None and not user.is_admin:
            raise Forbidden(_("Only administrators may change this."))


def done(message: str, endpoint: str, **args):
    session().commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **args))


def failed(exc: CRMError, endpoint: str, **args):
    session().rollback()
    detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    flash(f"{exc.message} {detail}".strip(), "error")
    return redirect(url_for(endpoint, **args))


@ui.get("/admin")
def admin_index():
    return render_template("admin/index.html", entities=runtime().registry.entities.values())


# --- custom fields ----------------------------------------------------------

@ui.get("/admin/fields/<entity_name>")
def admin_fields(entity_name):
    entity = runtime().registry.get(entity_name)
    rows = session().scalars(sa.select(CustomFieldRow).where(CustomFieldRow.entity == entity.name)
                             .order_by(CustomFieldRow.position, CustomFieldRow.id)).all()
    return render_template("admin/fields.html", entity=entity, rows=rows, types=list(FIELD_TYPES),
                           entities=runtime().registry.entities.values())


@ui.post("/admin/fields/<entity_name>")
def admin_add_field(entity_name):
    entity = runtime().registry.get(entity_name)
    form = request.form
    data = {"name": form.get("name", ""), "label": form.get("label", ""), "type": form.get("type", "text"),
            "required": form.get("required") == "1", "target": form.get("target") or None,
            "values": [v.strip() for v in (form.get("values") or "").splitlines() if v.strip()]}
    try:
        row = custom_fields.add_field(entity, data)
    except CRMError as exc:
        return failed(exc, "ui.admin_fields", entity_name=entity.name)
    return done(_("The field %(name)s was added.", name=row.label), "ui.admin_fields", entity_name=entity.name)


@ui.post("/admin/fields/<entity_name>/<field_name>")
def admin_update_field(entity_name, field_name):
    entity = runtime().registry.get(entity_name)
    form = request.form
    data = {"label": form.get("label", ""), "required": form.get("required") == "1",
            "active": form.get("active") == "1"}
    if form.get("position", "").lstrip("-").isdigit():
        data["position"] = int(form["position"])
    try:
        custom_fields.update_field(entity, field_name, data)
    except CRMError as exc:
        return failed(exc, "ui.admin_fields", entity_name=entity.name)
    return done(_("Saved."), "ui.admin_fields", entity_name=entity.name)


# --- picklists ------------------------------------------------------------------

@ui.get("/admin/picklists")
def admin_picklists():
    names = session().scalars(sa.select(PicklistRow.name).order_by(PicklistRow.name)).all()
    return render_template("admin/picklists.html", picklists=picklist_names(list(names)))


@ui.get("/admin/picklists/<name>")
def admin_picklist(name):
    values = picklists.values(name)
    return render_template("admin/picklist.html", name=name, values=values, info=picklist_names([name])[0])


@ui.post("/admin/picklists/<name>")
def admin_save_picklist(name):
    """Save every value's labels, colour, active flag and order (the order of the submitted rows)."""
    form = request.form
    try:
        for position, value in enumerate(form.getlist("value")):
            labels = {lang: form.get(f"label_{lang}_{value}", "").strip() for lang in ("ko", "zh_Hans", "en")}
            picklists.update_value(name, value, {
                "labels": {k: v for k, v in labels.items() if v}, "order": position,
                "active": form.get(f"active_{value}") == "1",
                "colour": form.get(f"colour_{value}") or None})
        new_value = (form.get("new_value") or "").strip()
        if new_value:
            label = (form.get("new_label") or new_value).strip()
            picklists.add_value(name, {"value": new_value, "labels": {"ko": label, "zh_Hans": label, "en": label}})
    except CRMError as exc:
        return failed(exc, "ui.admin_picklist", name=name)
    return done(_("Saved."), "ui.admin_picklist", name=name)


# --- plugins ----------------------------------------------------------------

@ui.get("/admin/plugins")
def admin_plugins():
    rt = runtime()
    return render_template("admin/plugins.html", installed=sorted(rt.plugins.installed.values(), key=lambda p: p.name),
                           loaded=set(rt.plugins.enabled_names), next_start=set(configured_enabled()),
                           fixed=rt.settings.plugins is not None)


def stored_plugin_state() -> dict[str, bool]:
    """The saved enable/disable choices, read in this request's session (SQLite: one writer at a time)."""
    return dict(session().execute(sa.select(PluginState.name, PluginState.enabled)).all())


def configured_enabled() -> list[str]:
    """The plugins that will be enabled at the next start."""
    rt = runtime()
    return enabled_names(rt.plugins.installed, rt.settings.plugins, stored_plugin_state())


def dependency_message(installed, enabled: list[str], name: str, enable: bool) -> str | None:
    """Why ``core.plugins`` refused, in the user's language (None: not a dependency problem)."""
    if name not in installed:
        return None
    if enable:
        missing = [d for d in installed[name].manifest.depends if d not in enabled]
        return _("%(name)s needs %(plugins)s: enable them first.", name=name, plugins=", ".join(missing)) \
            if missing else None
    dependants = sorted(n for n in enabled if name in installed[n].manifest.depends)
    return _("%(plugins)s need %(name)s: disable them first.", name=name, plugins=", ".join(dependants)) \
        if dependants else None


@ui.post("/admin/plugins/<name>")
def admin_toggle_plugin(name):
    """Switch a plugin on or off for the next start (dependencies checked); a restart applies it."""
    rt = runtime()
    if rt.settings.plugins is not None:
        flash(_("The plugin list is fixed by the deployment's configuration (PLUGCRM_PLUGINS)."), "error")
        return redirect(url_for("ui.admin_plugins"))
    enable = request.form.get("enable") == "1"
    enabled = configured_enabled()
    try:
        (check_enable if enable else check_disable)(rt.plugins.installed, enabled, name)
    except PluginError as exc:
        flash(dependency_message(rt.plugins.installed, enabled, name, enable) or str(exc), "error")
        return redirect(url_for("ui.admin_plugins"))
    row = session().get(PluginState, name) or PluginState(name=name, enabled=enable)
    row.enabled = enable
    session().add(row)
    message = (_("%(name)s will be enabled. Restart the server to apply.", name=name) if enable
               else _("%(name)s will be disabled; its data is kept. Restart the server to apply.", name=name))
    return done(message, "ui.admin_plugins")


# --- users ------------------------------------------------------------------

@ui.get("/admin/users")
def admin_users():
    users = session().scalars(sa.select(User).order_by(User.name)).all()
    roles = sorted(session().scalars(sa.select(Role)).all(), key=lambda r: (getattr(r, "position", 0), r.id))
    return render_template("admin/users.html", users=users, roles=roles, role_names={r.id: role_label(r) for r in roles},
                           transfer_job=transfer_job(request.args.get("transfer_job", type=int)),
                           job_status_labels=JOB_STATUS_LABELS)


JOB_STATUS_LABELS = {"queued": _l("Queued"), "running": _l("Running"), "done": _l("Done"),
                     "failed": _l("Waiting to retry"), "dead": _l("Failed")}


def transfer_job(job_id: int | None):
    """The hand-over job the page follows (after a large transfer was started), if any."""
    job = session().get(Job, job_id) if job_id else None
    return job if job is not None and job.type == transfer.JOB_TYPE else None


# The seeded roles' labels in the user's language, as long as an administrator has not renamed them.
DEFAULT_ROLE_LABELS = {("owner", "Owner"): _l("CEO"), ("director", "Director"): _l("Director"),
                       ("manager", "Manager"): _l("Team manager"), ("sales", "Sales"): _l("Sales rep"),
                       ("service", "Service"): _l("Service"), ("warehouse", "Warehouse"): _l("Warehouse"),
                       ("purchasing", "Purchasing"): _l("Purchasing")}


def role_label(role) -> str:
    return str(DEFAULT_ROLE_LABELS.get((role.name, role.label), role.label))


@ui.post("/admin/users")
def admin_create_user():
    """A new user through the security service (the same validation as ``POST /api/v1/users``)."""
    form = request.form
    data = {"email": form.get("email", ""), "name": form.get("name", ""), "password": form.get("password", ""),
            "role_id": form.get("role_id", type=int), "is_admin": form.get("is_admin") == "1",
            "language": form.get("language") or None}
    try:
        create_user(data)
    except CRMError as exc:
        return failed(exc, "ui.admin_users")
    return done(_("Saved."), "ui.admin_users")


@ui.post("/admin/users/<int:user_id>")
def admin_update_user(user_id):
    user = get_user(user_id)
    acting = current_user_or_none()
    try:
        if request.form.get("active") == "0":
            deactivate_user(user, acting)
        else:
            data = {"active": True} if request.form.get("active") == "1" else {}
            if "role_id" in request.form:
                data["role_id"] = request.form.get("role_id", type=int)
            update_user(user, data, acting)
    except CRMError as exc:
        return failed(exc, "ui.admin_users")
    clear_cache()
    return done(_("Saved."), "ui.admin_users")


@ui.post("/admin/users/transfer")
def admin_transfer_records():
    """Hand every record a user owns to a colleague (someone leaves the company); a large hand-over runs as a job."""
    try:
        started = transfer.start(get_user(request.form.get("from_user_id", 0, type=int)),
                        request.form.get("to_user_id", type=int), current_user_or_none())
    except CRMError as exc:
        return failed(exc, "ui.admin_users")
    total = sum(started.moved.values())
    if started.job_id is not None:
        return done(ngettext("%(num)d record is being handed over in the background.",
                             "%(num)d records are being handed over in the background.", total),
                    "ui.admin_users", transfer_job=started.job_id)
    return done(ngettext("%(num)d record was handed over.", "%(num)d records were handed over.", total),
                "ui.admin_users")


# --- roles, rights and sharing -----------------------------------------------------------

def role_tree(roles) -> list[tuple[int, object]]:
    """``(depth, role)`` in tree order for an indented display."""
    children: dict = {}
    for r in roles:
        children.setdefault(r.parent_id, []).append(r)
    out = []

    def walk(parent, depth):
        for r in sorted(children.get(parent, []), key=lambda r: (getattr(r, "position", 0), r.id)):
            out.append((depth, r))
            walk(r.id, depth + 1)
    walk(None, 0)
    return out


@ui.get("/admin/roles")
def admin_roles():
    roles = session().scalars(sa.select(Role)).all()
    selected = request.args.get("role", type=int) or (roles[0].id if roles else None)
    entities = list(runtime().registry.entities.values())
    rights = {e.name: role_rights(selected, e.name) for e in entities} if selected else {}
    return render_template("admin/roles.html", tree=role_tree(roles), selected=selected, entities=entities,
                           rights=rights, actions=ACTIONS, role_label=role_label,
                           sharing={e.name: effective_sharing(e) for e in entities})


@ui.post("/admin/roles/<int:role_id>/rights")
def admin_save_rights(role_id):
    role = get_role(role_id)
    try:
        for entity in runtime().registry.entities.values():
            set_role_rights(role, entity.name, {a: request.form.get(f"{entity.name}:{a}") == "1" for a in ACTIONS})
    except CRMError as exc:
        return failed(exc, "ui.admin_roles", role=role_id)
    return done(_("Saved."), "ui.admin_roles", role=role_id)


@ui.post("/admin/roles")
def admin_create_role():
    form = request.form
    label = (form.get("label") or "").strip()
    data = {"name": (form.get("name") or "").strip(), "parent_id": form.get("parent_id", type=int) or None}
    if label:
        data["labels"] = {"ko": label, "zh_Hans": label, "en": label}
    try:
        role = create_role(data)
    except CRMError as exc:
        return failed(exc, "ui.admin_roles")
    return done(_("Saved."), "ui.admin_roles", role=role.id)


@ui.post("/admin/sharing")
def admin_save_sharing():
    try:
        for entity in runtime().registry.entities.values():
            if entity.owned and request.form.get(entity.name):
                set_sharing(entity, request.form[entity.name])
    except CRMError as exc:
        return failed(exc, "ui.admin_roles")
    return done(_("Saved."), "ui.admin_roles")


# --- numbering --------------------------------------------------------------

@ui.get("/admin/numbering")
def admin_numbering():
    entities = [e for e in runtime().registry.entities.values() if e.numbering]
    return render_template("admin/numbering.html", entities=entities,
                           formats={e.name: format_for(session(), e) for e in entities})


@ui.post("/admin/numbering")
def admin_save_numbering():
    errors = {}
    for entity in (e for e in runtime().registry.entities.values() if e.numbering):
        fmt = (request.form.get(entity.name) or "").strip()
        if not fmt:
            continue
        problem = validate_format(fmt)
        if problem:
            errors[entity.name] = problem
            continue
        row = session().get(NumberingFormat, entity.name) or NumberingFormat(entity=entity.name, format=fmt)
        row.format = fmt
        session().add(row)
    if errors:
        return failed(ValidationError(_("Some fields are not valid."), errors), "ui.admin_numbering")
    return done(_("Saved."), "ui.admin_numbering")


# --- jobs and logs ----------------------------------------------------------------

@ui.get("/admin/jobs")
def admin_jobs():
    status = request.args.get("status") or ""
    stmt = sa.select(Job).order_by(Job.id.desc()).limit(PAGE)
    if status in STATUSES:
        stmt = stmt.where(Job.status == status)
    counts = dict(session().execute(sa.select(Job.status, sa.func.count()).group_by(Job.status)).all())
    return render_template("admin/jobs.html", jobs=session().scalars(stmt).all(), statuses=STATUSES,
                           status=status, counts=counts)


@ui.get("/admin/audit")
def admin_audit():
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = sa.select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.user_id)
    entity = request.args.get("entity") or ""
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    rows = session().execute(stmt.order_by(AuditEntry.id.desc()).limit(PAGE).offset((page - 1) * PAGE)).all()
    entries = [{"entry": e, "user": name, "changes": json.loads(e.changes) if e.changes else {}} for e, name in rows]
    registry = runtime().registry
    for e in entries:  # one batch of display labels per entity on the page
        e["entity"] = registry.entities.get(e["entry"].entity)
    for entity_name in {e["entry"].entity for e in entries if e["entity"] is not None}:
        same = [e for e in entries if e["entry"].entity == entity_name]
        for e, rows in zip(same, change_rows(registry.entities[entity_name], [e["changes"] for e in same])):
            e["rows"] = rows
    return render_template("admin/audit.html", entries=entries, page=page, entity=entity,
                           entities=runtime().registry.entities.values(), logins=login_log())


def login_log() -> list:
    """The newest login attempts (browser and token), successful or not."""
    return session().scalars(sa.select(LoginEvent).order_by(LoginEvent.id.desc()).limit(PAGE)).all()
