"""Email subject/body templates: Jinja2 in its sandbox, with the record's fields as merge fields.

Merge fields: ``{{ record.name }}``, ``{{ record.amount|money }}``,
``{{ record.account.name }}`` (a reference followed), ``{{ old.amount }}``,
``{{ owner.name }}``, ``{{ workflow.name }}``, ``{{ today }}``.  The sandbox
refuses access to Python internals; templates are compiled when the workflow
is saved so syntax errors and unknown variables are reported then.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError

from core.entities.declaration import Entity
from core.plugin_api import translator
from core.templating import LimitedSandbox, render_limited

_, _l = translator("workflows")

MAX_TEMPLATE = 20_000
NAMES = {"record", "old", "owner", "workflow", "today", "entity"}


class TemplateError(ValueError):
    pass


def money(value) -> str:
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    text = f"{number:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def date_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from core.i18n import deployment_tz

        return value.astimezone(deployment_tz()).strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def make_environment() -> LimitedSandbox:
    env = LimitedSandbox(autoescape=False, undefined=StrictUndefined)
    env.filters["money"] = money
    env.filters["date"] = date_text
    return env


_ENV = make_environment()


def compile_template(source, entity: Entity):
    if not isinstance(source, str) or not source.strip():
        raise TemplateError(_("The template is empty."))
    if len(source) > MAX_TEMPLATE:
        raise TemplateError(_("The template is longer than %(n)s characters.", n=MAX_TEMPLATE))
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(_("Template error on line %(line)s: %(message)s", line=exc.lineno,
                              message=exc.message)) from None
    unknown = meta.find_undeclared_variables(tree) - NAMES
    if unknown:
        raise TemplateError(_("Unknown merge field %(name)s; use record, old, owner, workflow, today.",
                              name=", ".join(sorted(unknown))))
    return _ENV.from_string(source)


class MergeRecord(dict):
    """A record for templates: missing fields are empty, references can be followed (``record.account``)."""

    def __init__(self, view):
        super().__init__(view.record)
        self._view = view

    def __getattr__(self, name):
        if name in self:
            value = self[name]
            return "" if value is None else value
        from plugins.workflows.fieldpaths import all_fields

        fields = all_fields(self._view.entity)
        ref = fields.get(f"{name}_id") or fields.get(name)
        if ref is not None and ref.type == "reference":
            target = self._view.referenced(ref)
            return {} if target is None else {k: ("" if v is None else v) for k, v in target.items()}
        return ""


def render(template, ctx) -> str:
    """Render with the task context's record; errors become a readable message (the task fails)."""
    from plugins.workflows.fieldpaths import RecordView
    from plugins.workflows.timeutil import local_today

    old = MergeRecord(RecordView(ctx.entity, ctx.old)) if ctx.old else {}
    variables = {"record": MergeRecord(ctx.view), "old": old, "owner": owner_of(ctx.record),
                 "workflow": {"name": ctx.workflow_name, "id": ctx.workflow_id},
                 "entity": str(ctx.entity.label_singular or ctx.entity.label), "today": local_today()}
    try:
        return render_limited(template, **variables)
    except (UndefinedError, SecurityError, TypeError, ValueError, OverflowError) as exc:
        raise TemplateError(_("The template could not be filled in: %(error)s", error=str(exc))) from None


def owner_of(record: dict) -> dict:
    from core.db import session
    from core.security.models import User

    user = session().get(User, record["owner_id"]) if record.get("owner_id") else None
    return {"name": user.name, "email": user.email} if user else {"name": "", "email": ""}
