"""Workbench widgets: the core's own (recent changes, new records chart) plus ``crm_dashboard_widgets``.

A widget is ``dict(title=..., template=..., order=..., context=callable)``; the
template is rendered inside its own box with ``user`` and whatever the optional
``context(user)`` callable returns.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import format_date, lazy_gettext as _l

from core.audit import AuditEntry
from core.db import session, utcnow
from core.entities.display import display_values
from core.entities.query import capped_count, visible_select
from core.runtime import runtime
from core.ui.shell import visible_entities

RECENT = 10
WEEKS = 8
CHART_SERIES = 5


def recent_changes(user) -> dict:
    """The last records written, newest first, read from the audit trail (fast on huge tables).

    Only records the user may still see are shown: each candidate goes through
    ``visible_select`` of its entity.
    """
    entries = session().execute(sa.select(AuditEntry.entity, AuditEntry.record_id, AuditEntry.at)
                                .where(AuditEntry.action.in_(("create", "update", "restore")))
                                .order_by(AuditEntry.id.desc()).limit(RECENT * 20)).all()
    latest: dict[tuple[str, int], dt.datetime] = {}
    for name, record_id, at in entries:
        latest.setdefault((name, record_id), at)
    entities = {e.name: e for e in visible_entities(user)}
    titles: dict[tuple[str, int], str] = {}
    for name in {n for n, _id in latest if n in entities}:
        entity = entities[name]
        table = entity.table
        ids = [i for n, i in latest if n == name]
        stmt = visible_select(entity, user, table.c.id, table.c[entity.title_field]).where(table.c.id.in_(ids))
        titles.update({(name, i): t for i, t in readable_titles(entity, session().execute(stmt).all(), user)})
    items = [{"entity": entities[n], "id": i, "title": titles[(n, i)], "at": at}
             for (n, i), at in latest.items() if (n, i) in titles]
    return {"items": items[:RECENT]}


def readable_titles(entity, rows: list, user) -> list[tuple[int, str]]:
    """``(id, title)`` rows whose title is a reference or picklist (a line item's product) get its label."""
    shown = display_values(entity, [{"id": i, entity.title_field: t} for i, t in rows], user)
    return [(i, labels.get(entity.title_field) or t) for (i, t), labels in zip(rows, shown)]


def new_records_chart(user) -> dict:
    """Records created per week over the last eight weeks, one series per entity.

    Each bar is counted up to the list count cap, so a huge import cannot slow the workbench.
    """
    cap = runtime().settings.list_count_cap
    end = utcnow()
    starts = [end - dt.timedelta(weeks=WEEKS - i) for i in range(WEEKS)]
    labels = [format_date(s + dt.timedelta(days=1), "MM/dd") for s in starts]
    series = []
    for entity in visible_entities(user):
        table = entity.table
        counts = []
        for start in starts:
            stmt = visible_select(entity, user, table.c.id).where(
                table.c.created_at > start, table.c.created_at <= start + dt.timedelta(weeks=1))
            counts.append(capped_count(session(), stmt, cap)[0])
        series.append({"label": str(entity.label), "data": counts})
    busy = sorted((s for s in series if sum(s["data"])), key=lambda s: -sum(s["data"]))[:CHART_SERIES]
    return {"chart": {"type": "bar", "data": {"labels": labels, "datasets": busy or series[:1]}}}


CORE_WIDGETS = [
    {"title": _l("Recently changed records"), "template": "ui/widgets/recent.html", "order": 50,
     "context": recent_changes},
    {"title": _l("New records per week"), "template": "ui/widgets/chart.html", "order": 60,
     "context": new_records_chart},
]


def workbench_widgets(user) -> list[dict]:
    widgets = list(CORE_WIDGETS)
    for group in runtime().hook.crm_dashboard_widgets(user=user):
        widgets.extend(group or [])
    out = []
    for w in sorted(widgets, key=lambda w: w.get("order", 100)):
        context = w["context"](user) if callable(w.get("context")) else {}
        out.append({"title": str(w["title"]), "template": w["template"], "context": context,
                    "wide": w.get("wide", False)})
    return out
