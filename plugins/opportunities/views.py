"""Pages: the kanban pipeline board and the sales reports (charts drill down to the filtered list)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for

from core.db import session
from core.entities import picklists
from core.i18n import pick_label
from core.entities.query import visible_select
from core.security.auth import current_user_or_none
from core.security.permissions import can, require_right
from plugins.opportunities import reports, services, stages

pages = Blueprint("opportunities_pages", __name__, url_prefix="/opportunities",
                  template_folder="templates", static_folder="static")
BOARD_CARDS_PER_STAGE = 50


@pages.get("/board")
def board():
    """Columns per stage of the chosen type; each card is one deal, dragged to move its stage."""
    opps = services.entity()
    user = current_user_or_none()
    require_right(user, opps, "view")
    chosen_type = request.args.get("type") or "new"
    t = opps.table
    totals = {row[0]: row for row in session().execute(
        visible_select(opps, user, t.c.stage, sa.func.count(), sa.func.sum(t.c.amount))
        .where(t.c.type == chosen_type).group_by(t.c.stage))}
    columns = []
    for stage in stages.stages_for(chosen_type):
        cards = session().execute(visible_select(opps, user).where(t.c.stage == stage.value, t.c.type == chosen_type)
                                  .order_by(t.c.expected_close_date, t.c.id).limit(BOARD_CARDS_PER_STAGE)).all()
        found = totals.get(stage.value)
        columns.append({"stage": stage, "count": found[1] if found else 0, "amount": found[2] if found else 0,
                        "cards": [dict(r._mapping) for r in cards]})
    return render_template("opportunities/board.html", columns=columns, chosen_type=chosen_type,
                           types=choices("opportunity_type"), lost_reasons=choices("opportunity_lost_reason"),
                           can_edit=can(user, opps, "edit"), dwell_days=services.dwell_days,
                           list_url=lambda **kw: url_for("ui.list_view", entity_name="opportunities", **kw),
                           excel_url=excel_url(type=chosen_type))


def excel_url(**filters) -> str | None:
    """The core exporter's Excel download of the (filtered) opportunity list, when it is installed."""
    from werkzeug.routing import BuildError

    try:
        return url_for("api.export_records", entity_name="opportunities", scope="all", format="xlsx", **filters)
    except BuildError:
        return None


@pages.get("/reports")
def reports_page():
    opps = services.entity()
    user = current_user_or_none()
    require_right(user, opps, "view")
    args = request.args
    return render_template("opportunities/reports.html", funnel=reports.funnel(user, args),
                           forecast=reports.forecast(user, args), by_owner=reports.breakdown(user, {"by": "owner_id"}),
                           by_source=reports.breakdown(user, {"by": "source"}), stuck=reports.stuck(user, args),
                           won_lost=reports.won_lost(user, args),
                           list_url=lambda **kw: url_for("ui.list_view", entity_name="opportunities", **kw))


def choices(picklist: str) -> list[dict]:
    return [{"value": r.value, "label": pick_label(r.labels, r.value)}
            for r in picklists.values(picklist, include_inactive=False)]


@pages.app_template_global("opportunity_schedule")
def opportunity_schedule(opportunity_id: int) -> list:
    """Revenue schedule rows for the record-page panel (the record itself was already permission-checked)."""
    from plugins.opportunities.models import RevenueMonth

    return session().execute(sa.select(RevenueMonth).where(RevenueMonth.opportunity_id == opportunity_id)
                             .order_by(RevenueMonth.month)).scalars().all()


@pages.app_template_global("opportunity_stage_history")
def opportunity_stage_history(opportunity_id: int) -> list:
    from core.security.models import User
    from plugins.opportunities.models import StageChange

    return session().execute(sa.select(StageChange, User.name).outerjoin(User, User.id == StageChange.user_id)
                             .where(StageChange.opportunity_id == opportunity_id)
                             .order_by(StageChange.changed_at.desc(), StageChange.id.desc())).all()


@pages.app_template_global("opportunity_stage_label")
def opportunity_stage_label(value: str | None) -> str:
    return picklists.label_for("opportunity_stage", value) or ""
