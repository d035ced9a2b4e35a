"""Lead pages: the board by status, the source/conversion report, converting, and the administrator's rules."""
from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for

from core.db import session
from core.entities import picklists, records
from core.entities.query import visible_select
from core.errors import DuplicateWarning, ValidationError
from core.i18n import pick_label
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.models import User
from core.security.permissions import can, require_admin, require_right
from plugins.leads import conversion, reports, services
from plugins.leads.entities import STATUSES, leads

_, _l = translator("leads")

pages = Blueprint("leads", __name__, url_prefix="/leads", template_folder="templates", static_folder="static")
CARDS_PER_STATUS = 50
PANEL = {"title": _l("Conversion"), "template": "leads/panel.html", "order": 5}


@pages.get("/board")
def board():
    """One column per status with its newest leads; the cards link to the lead."""
    user = current_user_or_none()
    require_right(user, leads, "view")
    t = leads.table
    counts = reports.by_status(user)
    columns = []
    for status in STATUSES:
        cards = session().execute(visible_select(leads, user).where(t.c.status == status)
                                  .order_by(t.c.created_at.desc(), t.c.id.desc()).limit(CARDS_PER_STATUS)).all()
        columns.append({"value": status, "label": picklists.label_for("lead_status", status) or status,
                        "colour": colour_of(status), "count": counts.get(status, 0),
                        "cards": [dict(r._mapping) for r in cards]})
    return render_template("leads/board.html", columns=columns)


def colour_of(status: str) -> str:
    found = [v.colour for v in picklists.values("lead_status") if v.value == status]
    return (found[0] if found else None) or "#90a4ae"


@pages.get("/report")
def report():
    user = current_user_or_none()
    require_right(user, leads, "view")
    return render_template("leads/report.html", report=reports.by_source(user))


@pages.route("/<int:lead_id>/convert", methods=["GET", "POST"])
def convert(lead_id):
    """The conversion form; on success the new account's page."""
    user = current_user_or_none()
    lead = records.get(leads, lead_id, user)
    require_right(user, leads, "edit", lead)
    if request.method == "GET":
        return render_convert(lead)
    form = request.form
    body = {"create_opportunity": form.get("create_opportunity") == "1",
            "confirm_duplicate": form.get("confirm_duplicate") == "1",
            "account": {"name": form.get("account_name", "").strip()},
            "opportunity": {"title": form.get("opportunity_title", "").strip(),
                            "amount": form.get("opportunity_amount", "").strip(),
                            "revenue_month": form.get("opportunity_revenue_month", "").strip()}}
    try:
        result = conversion.convert(lead_id, body, user)
    except ValidationError as exc:
        session().rollback()
        flash(exc.message, "error")
        return render_convert(lead, errors=exc.fields, form=form, status=422)
    except DuplicateWarning as exc:
        session().rollback()
        return render_convert(lead, duplicates=exc.extra.get("matches") or [], form=form, status=409)
    session().commit()
    flash(_("The lead was converted."), "success")
    return redirect(url_for("ui.detail", entity_name="accounts", record_id=result["account_id"]))


def render_convert(lead: dict, *, errors=None, duplicates=None, form=None, status=200):
    user = current_user_or_none()
    return render_template("leads/convert.html", lead=lead, errors=errors or {}, duplicates=duplicates or [],
                           form=form or {}, lead_duplicates=services.duplicate_matches(lead, user, lead["id"]),
                           opportunities_on="opportunities" in conversion.target_entities()), status


@pages.route("/settings", methods=["GET", "POST"])
def settings():
    """Assignment rules and the conversion mapping (administrators)."""
    user = current_user_or_none()
    require_admin(user)
    if request.method == "POST":
        try:
            if request.form.get("part") == "mapping":
                conversion.save_mapping(json.loads(request.form.get("mapping") or "null"), user)
            else:
                services.save_assignment_rules(assignment_from_form(request.form), user)
        except (ValidationError, ValueError) as exc:
            session().rollback()
            flash(getattr(exc, "message", None) or _("Not a valid value."), "error")
            detail = getattr(exc, "fields", {})
            return render_settings(errors=detail, status=422)
        session().commit()
        flash(_("Saved."), "success")
        return redirect(url_for("leads.settings"))
    return render_settings()


def assignment_from_form(form) -> dict:
    by_source = {s: int(form[f"source_{s}"]) for s in picklists.active_values("lead_source")
                 if form.get(f"source_{s}", "").isdigit()}
    return {"mode": form.get("mode", "off"), "users": [int(u) for u in form.getlist("users") if u.isdigit()],
            "by_source": by_source}


def render_settings(errors=None, status=200):
    users = session().query(User).filter(User.active).order_by(User.name).all()
    sources = [{"value": v.value, "label": pick_label(v.labels, v.value)}
               for v in picklists.values("lead_source", include_inactive=False)]
    return render_template("leads/settings.html", rules=services.assignment_rules(), users=users, sources=sources,
                           mapping=json.dumps(conversion.mapping(), ensure_ascii=False, indent=2),
                           errors=errors or {}), status


@pages.app_template_global("leads_duplicates")
def lead_duplicates(record: dict) -> list[dict]:
    """Duplicate warnings for the lead panel (named only when the user may see the other record)."""
    return [] if record.get("converted_at") else services.duplicate_matches(record, current_user_or_none(), record["id"])


@pages.app_template_global("leads_can_convert")
def lead_can_convert(record: dict) -> bool:
    return not record.get("converted_at") and can(current_user_or_none(), leads, "edit", record)


@pages.app_template_global("leads_matched_on")
def matched_on(match: dict) -> str:
    """"Account, phone": which kind of record holds the same value, and which value it is."""
    found = runtime().registry.entities.get(match["entity"])
    what = {"phone": _("Phone"), "email": _("Email"),
            "business_number": _("Business registration number")}[match["matched_on"]]
    return f"{found.label_singular if found else match['entity']}, {what}"
