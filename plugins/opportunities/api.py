"""Extra opportunity API: stage moves with a note, the revenue schedule, stage history, reports."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from core.api import schemas
from core.api.contract import operation
from core.api.records import body as json_body
from core.db import session
from core.entities import records
from core.errors import NotFound
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields, strip_hidden
from core.security.permissions import require_right
from plugins.opportunities import reports, services, stages
from plugins.opportunities.models import RevenueMonth, StageChange
from plugins.opportunities.schemas import ReportArgs, SCHEDULE, ScheduleInput, StageArgs, StageInput

_, _l = translator("opportunities")

api = Blueprint("opportunities_api", __name__, url_prefix="/api/v1/opportunities")


def body() -> dict:
    return json_body()


def visible(opportunity_id: int) -> dict:
    user = current_user_or_none()
    require_right(user, services.entity(), "view")
    return records.get(services.entity(), opportunity_id, user)


def record_json(record: dict) -> dict:
    out = strip_hidden(records.to_json(services.entity(), record),
                       hidden_fields(services.entity(), current_user_or_none()))
    out["days_in_stage"] = services.dwell_days(record["stage_changed_at"]) if record["stage_changed_at"] else None
    return out


@api.post("/<int:opportunity_id>/stage")
@operation(body=StageInput, response=schemas.JSON_OBJECT)
def change_stage(opportunity_id):
    """Body ``{"stage", "note"?, "lost_reason"?, "lost_to"?, "version"?}``; 422 lists missing actions."""
    record = services.change_stage(opportunity_id, body(), current_user_or_none())
    session().commit()
    return jsonify(record_json(record))


@api.get("/<int:opportunity_id>/revenue-schedule")
@operation("The monthly revenue schedule", response=SCHEDULE)
def get_schedule(opportunity_id):
    record = visible(opportunity_id)
    rows = session().execute(sa.select(RevenueMonth.month, RevenueMonth.amount, RevenueMonth.weighted)
                             .where(RevenueMonth.opportunity_id == opportunity_id)
                             .order_by(RevenueMonth.month)).all()
    return jsonify({"billing_method": record["billing_method"],
                    "data": [{"month": r.month.strftime("%Y-%m"), "amount": reports.money(r.amount),
                              "weighted": reports.money(r.weighted)} for r in rows]})


@api.put("/<int:opportunity_id>/revenue-schedule")
@operation(body=ScheduleInput, response=SCHEDULE)
def put_schedule(opportunity_id):
    """Body ``{"billing_method", "revenue_month"?, "revenue_end"?, "installments"?: [{month, amount}]}``."""
    services.set_revenue_schedule(opportunity_id, body(), current_user_or_none())
    session().commit()
    return get_schedule(opportunity_id)


@api.get("/<int:opportunity_id>/stage-history")
@operation("Stage changes with dwell days", response=schemas.listing(schemas.JSON_OBJECT))
def stage_history(opportunity_id):
    record = visible(opportunity_id)
    from core.security.models import User

    rows = session().execute(sa.select(StageChange, User.name).outerjoin(User, User.id == StageChange.user_id)
                             .where(StageChange.opportunity_id == opportunity_id)
                             .order_by(StageChange.changed_at, StageChange.id)).all()
    return jsonify({"stage": record["stage"],
                    "days_in_stage": services.dwell_days(record["stage_changed_at"]),
                    "data": [{"from": c.from_stage, "to": c.to_stage, "user_id": c.user_id, "user": name,
                              "changed_at": c.changed_at.isoformat().replace("+00:00", "Z"), "days": c.days,
                              "note": c.note} for c, name in rows]})


@api.get("/stages")
@operation(query=StageArgs, response=schemas.listing(schemas.JSON_OBJECT))
def stage_list():
    """The stages of ``?type=`` (every type when absent), in pipeline order, with their rules."""
    chosen = request.args.get("type")
    found = stages.stages_for(chosen) if chosen else stages.all_stages()
    return jsonify({"data": [{"value": s.value, "label": s.label, "probability": s.probability, "kind": s.kind,
                              "required_actions": list(s.required_actions), "colour": s.colour} for s in found]})


REPORTS = {"funnel": reports.funnel, "forecast": reports.forecast, "breakdown": reports.breakdown,
           "stuck": reports.stuck, "won-lost": reports.won_lost}


@api.get("/reports/<name>")
@operation("A report: funnel, forecast, breakdown, stuck, won-lost (list filters apply)", query=ReportArgs)
def report(name):
    if name not in REPORTS:
        raise NotFound(_("Unknown report %(name)s.", name=name))
    user = current_user_or_none()
    require_right(user, services.entity(), "view")
    return jsonify(REPORTS[name](user, request.args))
