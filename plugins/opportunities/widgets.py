"""The workbench's pipeline figures for a manager (``crm_dashboard_widgets``).

Pipeline total and weighted total, won this month against last month, deals
expected to close this month and stuck deals, each read through
``visible_select`` (a manager sees the team's deals, a rep their own) and each
linking to the opportunity list with the filter that gives the same deals.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import url_for

from core.db import session
from core.entities.query import visible_select
from core.i18n import deployment_tz, local_today
from core.plugin_api import translator
from plugins.opportunities import stages
from plugins.opportunities.reports import add_months
from plugins.opportunities.services import entity

_, _l = translator("opportunities")

STUCK_DAYS = 30


def list_url(**filters) -> str:
    return url_for("ui.list_view", entity_name="opportunities", **filters)


def figures(user) -> dict:
    """The figures and their drill-down links; amounts are Decimals (the template formats money)."""
    t = entity().table
    kinds = stages.all_stages(include_inactive=True)
    open_values = [s.value for s in kinds if s.is_open]
    won_values = [s.value for s in kinds if s.kind == "won"]
    this_month = local_today().replace(day=1)
    last_month, next_month = add_months(this_month, -1), add_months(this_month, 1)
    cutoff = local_today() - dt.timedelta(days=STUCK_DAYS)

    def total(*conditions):
        stmt = visible_select(entity(), user, sa.func.count(), sa.func.coalesce(sa.func.sum(t.c.amount), 0),
                              sa.func.coalesce(sa.func.sum(t.c.forecast_amount), 0)).where(*conditions)
        return session().execute(stmt).one()

    def changed_into_won(start, end):
        return (t.c.stage.in_(won_values), t.c.stage_changed_at >= local_start(start),
                t.c.stage_changed_at < local_start(end))

    pipeline = total(t.c.stage.in_(open_values))
    won_now, won_before = total(*changed_into_won(this_month, next_month)), total(*changed_into_won(last_month,
                                                                                                   this_month))
    closing = total(t.c.stage.in_(open_values), t.c.expected_close_date >= this_month,
                    t.c.expected_close_date < next_month)
    stuck = total(t.c.stage.in_(open_values), t.c.stage_changed_at < local_start(cutoff))
    open_in = ",".join(open_values)
    won_in = ",".join(won_values)
    return {
        "pipeline": {"count": pipeline[0], "amount": pipeline[1], "weighted": pipeline[2],
                     "url": list_url(stage__in=open_in)},
        "won": {"count": won_now[0], "amount": won_now[1],
                "url": list_url(stage__in=won_in, stage_changed_at__gte=this_month.isoformat(),
                                stage_changed_at__lt=next_month.isoformat())},
        "won_last": {"count": won_before[0], "amount": won_before[1],
                     "url": list_url(stage__in=won_in, stage_changed_at__gte=last_month.isoformat(),
                                     stage_changed_at__lt=this_month.isoformat())},
        "closing": {"count": closing[0], "amount": closing[1],
                    "url": list_url(stage__in=open_in, expected_close_date__gte=this_month.isoformat(),
                                    expected_close_date__lt=next_month.isoformat())},
        "stuck": {"count": stuck[0], "amount": stuck[1], "days": STUCK_DAYS,
                  "url": list_url(stage__in=open_in, stage_changed_at__lt=cutoff.isoformat())},
    }


def local_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the deployment's time zone (as the list filter reads a bare date)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=deployment_tz())


WIDGETS = [{"title": _l("Pipeline"), "template": "opportunities/widgets/pipeline.html", "order": 5,
            "context": figures, "wide": True}]
