"""The deal-alert settings page (administrators): the same service as ``/api/v1/deal_alerts/config``."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for

from core import money
from core.db import session
from core.entities.query import all_fields
from core.errors import Forbidden, ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.models import Role
from core.ui.admin import role_label
from core.ui.forms import user_choices
from plugins.deal_alerts import services
from plugins.workflows import services as workflows

_, _l = translator("deal_alerts")

pages = Blueprint("deal_alerts_pages", __name__, url_prefix="/deal_alerts", template_folder="templates")


def require_admin():
    user = current_user_or_none()
    if user is None or not user.is_admin:
        raise Forbidden(_("Only administrators may change deal alerts."))
    return user


def money_fields() -> dict[str, list[tuple[str, str]]]:
    """``{entity: [(money field, label)]}`` for every entity that has money fields."""
    out = {}
    for name, entity in runtime().registry.entities.items():
        fields = [(f.name, str(f.label or f.name)) for f in all_fields(entity).values() if f.type == "money"]
        if fields:
            out[name] = fields
    return out


def form_settings(form) -> dict:
    """The page's form as the settings the service takes (recipients as the email task's)."""
    recipients = {}
    if form.get("owner"):
        recipients["owner"] = True
    if form.get("owner_superior"):
        recipients["owner_superior"] = True
    users = [int(v) for v in form.getlist("users") if v.isdigit()]
    if users:
        recipients["users"] = users
    roles = [v for v in form.getlist("roles") if v]
    if roles:
        recipients["roles"] = roles
    addresses = [a for a in form.get("addresses", "").replace(";", ",").replace("\n", ",").split(",") if a.strip()]
    if addresses:
        recipients["addresses"] = [a.strip() for a in addresses]
    entity, _sep, field = form.get("target", "").partition(".")
    return {"active": form.get("active") == "1", "entity": entity or None, "field": field or None,
            "threshold": form.get("threshold", ""), "recipients": recipients,
            "subject": form.get("subject") or None, "body": form.get("body") or None}


@pages.get("/")
def settings():
    require_admin()
    return page(services.config_json(services.current()))


@pages.post("/")
def save():
    user = require_admin()
    data = form_settings(request.form)
    try:
        services.configure(data, user)
    except ValidationError as exc:
        session().rollback()
        return page(dict(data, configured=True), errors=exc.fields, message=exc.message, status=422)
    session().commit()
    flash(_("Deal alerts saved.") if data["active"] else _("Deal alerts saved and switched off."), "success")
    return redirect(url_for("deal_alerts_pages.settings"))


def page(config: dict, *, errors: dict | None = None, message: str | None = None, status: int = 200):
    if message:
        flash(message, "error")
    row = workflows.find_keyed(services.WORKFLOW_KEY)
    roles = [(r.name, role_label(r)) for r in session().scalars(sa.select(Role).order_by(Role.id))]
    return render_template("deal_alerts/settings.html", alert=config, errors=errors or {}, targets=money_fields(),
                           users=user_choices(), roles=roles, currency=money.currency(),
                           entity_label=lambda name: str(runtime().registry.entities[name].label),
                           workflow=workflows.workflow_json(row) if row else None), status
