"""The lead report: per source, how many came in, were disqualified and converted (what the user may see)."""
from __future__ import annotations

import sqlalchemy as sa

from core.db import session
from core.entities import picklists
from core.entities.query import visible_select
from plugins.leads.entities import leads


def by_source(user) -> dict:
    t = leads.table
    rows = session().execute(
        visible_select(leads, user, t.c.source, sa.func.count(),
                       sa.func.sum(sa.case((t.c.converted_at.is_not(None), 1), else_=0)),
                       sa.func.sum(sa.case((t.c.status == "disqualified", 1), else_=0)))
        .group_by(t.c.source).order_by(sa.func.count().desc())).all()
    data = [{"source": source, "label": picklists.label_for("lead_source", source) or "",
             "leads": total, "converted": int(converted or 0), "disqualified": int(disqualified or 0),
             "conversion_rate": round(100 * int(converted or 0) / total, 1) if total else 0.0}
            for source, total, converted, disqualified in rows]
    total = sum(r["leads"] for r in data)
    converted = sum(r["converted"] for r in data)
    return {"data": data, "total": {"leads": total, "converted": converted,
                                    "conversion_rate": round(100 * converted / total, 1) if total else 0.0}}


def by_status(user) -> dict[str, int]:
    t = leads.table
    return dict(session().execute(visible_select(leads, user, t.c.status, sa.func.count()).group_by(t.c.status)).all())
