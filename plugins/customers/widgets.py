"""Workbench widgets (``crm_dashboard_widgets``): my activities today and overdue, hot customers."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities.display import reference_labels
from core.entities.query import visible_select
from core.i18n import deployment_tz
from core.plugin_api import translator

_, _l = translator("customers")

LIMIT = 10


def local_day_bounds() -> tuple[dt.datetime, dt.datetime]:
    """Today in the deployment's time zone, as UTC instants [start, end)."""
    today = clock.now().astimezone(deployment_tz()).date()
    start = dt.datetime.combine(today, dt.time(), tzinfo=deployment_tz())
    return start.astimezone(dt.timezone.utc), (start + dt.timedelta(days=1)).astimezone(dt.timezone.utc)


def my_activities(user) -> dict:
    """Planned activities the user owns or is assigned to: overdue ones and today's, with their customers
    (``accounts``: ``{id: label}`` of those the user may see, linked by the template)."""
    from plugins.customers.entities import activities
    from plugins.customers.filters import assigned_to

    table = activities.table
    start, end = local_day_bounds()
    base = (visible_select(activities, user, table.c.id, table.c.subject, table.c.type, table.c.start_at,
                           table.c.account_id)
            .where(table.c.status == "planned", assigned_to(str(user.id))))
    overdue = session().execute(base.where(table.c.start_at < start).order_by(table.c.start_at).limit(LIMIT)).all()
    today = session().execute(base.where(table.c.start_at >= start, table.c.start_at < end)
                              .order_by(table.c.start_at).limit(LIMIT)).all()
    accounts = reference_labels("accounts", [a.account_id for a in overdue + today], user)
    return {"overdue": overdue, "today": today, "accounts": accounts}


def hot_customers(user) -> dict:
    from plugins.customers.entities import accounts

    table = accounts.table
    rows = session().execute(
        visible_select(accounts, user, table.c.id, table.c.name, table.c.heat_level, table.c.hot_reason)
        .where(table.c.is_hot.is_(True)).order_by(table.c.heat_level.desc(), table.c.name).limit(LIMIT)).all()
    return {"accounts": rows}


WIDGETS = [
    {"title": _l("My activities"), "template": "customers/widgets/my_activities.html", "order": 10,
     "context": my_activities},
    {"title": _l("Hot customers"), "template": "customers/widgets/hot_customers.html", "order": 20,
     "context": hot_customers},
]
