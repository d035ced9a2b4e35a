"""Pages: the kanban pipeline board and the sales reports (charts drill down to the filtered list)."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, render_template, request, send_file, url_for

from core.db import session
from core.entities import picklists
from core.i18n import pick_label
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields
from core.security.permissions import can, require_right
from core.errors import NotFound
from core.importexport import export
from plugins.opportunities import board as board_filters, report_excel, report_filters, reports, services

_, _l = translator("opportunities")

pages = Blueprint("opportunities_pages", __name__, url_prefix="/opportunities",
                  template_folder="templates", static_folder="static")


@pages.get("/board")
def board():
    """Columns per stage of the chosen type; each card is one deal, dragged (or moved by keyboard) to a stage."""
    opps = services.entity()
    user = current_user_or_none()
    require_right(user, opps, "view")
    chosen = board_filters.chosen(request.args)
    columns = board_filters.columns(user, chosen)
    return render_template("opportunities/board.html", columns=columns, chosen=chosen, chosen_type=chosen["type"],
                           types=choices("opportunity_type"), lost_reasons=choices("opportunity_lost_reason"),
                           actions=choices("opportunity_action"), owners=board_filters.owner_choices(),
                           can_edit=can(user, opps, "edit"), dwell_days=services.dwell_days,
                           list_url=lambda **kw: url_for("ui.list_view", entity_name="opportunities",
                                                         **board_filters.list_args(chosen), **kw),
                           excel_url=excel_url(**board_filters.list_args(chosen)))


def excel_url(**filters) -> str | None:
    """The core exporter's Excel download of the (filtered) opportunity list, when it is installed."""
    from werkzeug.routing import BuildError

    try:
        return url_for("api.export_records", entity_name="opportunities", scope="all", format="xlsx", **filters)
    except BuildError:
        return None


REPORT_TITLES = {"funnel": _l("Sales funnel"), "forecast": _l("Sales forecast"), "by-owner": _l("By owner"),
                 "by-source": _l("By source"), "by-account": _l("Top accounts"), "stuck": _l("Stuck deals"),
                 "won-lost": _l("Won / lost")}
TOP_ACCOUNTS = 10  # the page's "top accounts" table; its Excel download has up to 500


@pages.get("/reports")
def reports_page():
    """Every report under one set of filters; each figure links to the list with those filters and its group."""
    user = current_user_or_none()
    require_right(user, services.entity(), "view")
    chosen = report_filters.chosen(request.args)
    args = report_filters.list_args(chosen)
    return render_template("opportunities/reports.html", funnel=reports.funnel(user, args),
                           forecast=reports.forecast(user, args),
                           by_owner=reports.breakdown(user, {**args, "by": "owner_id"}),
                           by_source=reports.breakdown(user, {**args, "by": "source"}),
                           by_account=reports.breakdown(user, {**args, "by": "account_id", "limit": str(TOP_ACCOUNTS)})
                           if "account_id" not in hidden_fields(services.entity(), user) else None,
                           stuck=reports.stuck(user, args), won_lost=reports.won_lost(user, args),
                           show_account="account_id" not in hidden_fields(services.entity(), user),
                           chosen=chosen, titles=REPORT_TITLES, owners=board_filters.owner_choices(),
                           teams=report_filters.team_choices(), types=choices("opportunity_type"),
                           sources=choices("opportunity_source"),
                           excel=lambda name: url_for("opportunities_pages.report_xlsx", name=name,
                                                      **{k: v for k, v in chosen.items() if v}),
                           list_url=lambda **kw: url_for("ui.list_view", entity_name="opportunities",
                                                         **{**args, **kw}))


@pages.get("/reports/<name>.xlsx")
def report_xlsx(name):
    """One report as an Excel file, under the same filters as the page."""
    if name not in report_excel.SHEETS:
        raise NotFound(_("There is no such report; choose one on the reports page."))
    user = current_user_or_none()
    require_right(user, services.entity(), "view")
    args = report_filters.list_args(report_filters.chosen(request.args))
    title = str(REPORT_TITLES[name])
    data = report_excel.workbook(name, title, user, args)
    return send_file(io.BytesIO(data), mimetype=export.MIME["xlsx"], as_attachment=True, download_name=f"{title}.xlsx")


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


