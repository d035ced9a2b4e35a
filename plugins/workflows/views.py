"""Pages: the workflow list, each workflow's definition and run log (administrators), a run-log panel on records.

Definitions are created and edited in the designer (:mod:`plugins.workflows.designer`) or through
``/api/v1/workflows``; these pages show them in words, their next scheduled run and what happened,
with each condition's value.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, url_for
from werkzeug.routing import BuildError

from core.db import session
from core.entities import picklists
from core.entities.query import all_fields
from core.i18n import plugin_gettext
from core.errors import Forbidden
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from plugins.workflows import services
from plugins.workflows.definitions import task_types
from plugins.workflows.labels import EVENT_LABELS, OPERATOR_LABELS, STATUS_LABELS, TRIGGER_LABELS, label
from plugins.workflows.models import Run, Workflow

_, _l = translator("workflows")

pages = Blueprint("workflows_pages", __name__, url_prefix="/workflows", template_folder="templates",
                  static_folder="static")
PANEL_RUNS = 20
PAGE_RUNS = 100


def require_admin():
    user = current_user_or_none()
    if user is None or not user.is_admin:
        raise Forbidden(_("Only administrators may manage workflows."))
    return user


@pages.get("/")
def index():
    require_admin()
    rows = session().scalars(sa.select(Workflow).order_by(Workflow.entity, Workflow.position, Workflow.id)).all()
    counts = dict(session().execute(sa.select(Run.workflow_id, sa.func.count()).where(Run.matched)
                                    .group_by(Run.workflow_id)).all())
    return render_template("workflows/index.html", workflows=[services.workflow_json(w) for w in rows],
                           counts=counts, **words())


@pages.get("/<int:workflow_id>")
def show(workflow_id):
    require_admin()
    row = services.get_workflow(workflow_id)
    runs = session().scalars(sa.select(Run).where(Run.workflow_id == row.id).order_by(Run.id.desc())
                             .limit(PAGE_RUNS)).all()
    return render_template("workflows/show.html", workflow=services.workflow_json(row),
                           runs=services.runs_json(list(runs)), settings_url=settings_url(row.plugin), **words())


def settings_url(plugin: str) -> str | None:
    """The settings page of the plugin that installed a workflow (``<plugin>_pages.settings``), if it has one."""
    if not plugin:
        return None
    try:
        return url_for(f"{plugin}_pages.settings")
    except BuildError:
        return None


def words() -> dict:
    """Translators for the templates: entity, field, trigger, operator, event and status names."""
    entities = runtime().registry.entities

    def field_label(entity_name: str, path: str) -> str:
        entity = entities.get(entity_name)
        if entity is None:
            return path
        fields = all_fields(entity)
        head, _sep, tail = path.partition(".")
        if tail:
            ref = fields.get(head) or fields.get(f"{head}_id")
            target = entities.get(ref.target) if ref is not None and ref.type == "reference" else None
            inner = all_fields(target).get(tail) if target is not None else None
            return f"{ref.label} › {inner.label}" if inner is not None else path
        return str(fields[path].label) if path in fields else path

    def value_text(entity_name: str, path: str, value) -> str:
        """A condition's value or a field's value as people read it (picklist labels, not codes)."""
        if value is None:
            return "—"
        entity = entities.get(entity_name)
        f = all_fields(entity).get(path) if entity is not None else None
        values = value if isinstance(value, list) else [value]
        if f is not None and f.type in ("picklist", "multipicklist") and f.picklist:
            labels = picklists.labels(f.picklist)
            values = [labels.get(v, v) for v in values]
        return ", ".join(str(v) for v in values)

    return {"entity_label": lambda name: str(entities[name].label) if name in entities else name,
            "field_label": field_label, "value_text": value_text,
            "trigger_label": lambda key: label(TRIGGER_LABELS, key),
            "operator_label": lambda key: label(OPERATOR_LABELS, key),
            "event_label": lambda key: label(EVENT_LABELS, key),
            "status_label": lambda key: label(STATUS_LABELS, key),
            "task_labels": {name: str(t.label) for name, t in task_types().items()}}


@pages.app_template_global()
def workflow_runs(entity_name: str, record_id: int) -> list[dict]:
    """The latest runs on one record, for its record-page panel (the page already checked the record is visible)."""
    runs = session().scalars(sa.select(Run).where(Run.entity == entity_name, Run.record_id == record_id)
                             .order_by(Run.id.desc()).limit(PANEL_RUNS)).all()
    entity = runtime().registry.get(entity_name)
    return services.runs_for_user(list(runs), entity, current_user_or_none())


@pages.app_context_processor
def workflow_words():
    """The run-log panel on record pages shows fields, operators and outcomes in the user's language."""
    return {"workflow_words": words}


@pages.app_template_filter("shipped_text")
def shipped_text(text: str | None, plugin: str | None) -> str:
    """A plugin-installed workflow's name or task title in the user's language (the plugin's catalogue
    translates the text it shipped; a name the administrator changed has no translation and shows as typed)."""
    return plugin_gettext(plugin, text) if plugin and text else (text or "")


@pages.app_template_filter("plugin_label")
def plugin_label(plugin: str) -> str:
    """The installing plugin's translated label, not its code name."""
    info = runtime().plugins.installed.get(plugin)
    return str(info.manifest.label) if info else plugin


@pages.app_template_filter("workflow_time")
def workflow_time(value) -> str:
    """An ISO time from the run log shown in the deployment's zone (Asia/Seoul)."""
    import datetime as dt

    from core.i18n import deployment_tz

    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(deployment_tz()).strftime("%Y-%m-%d %H:%M")
