"""``plugcrm demo``'s pipeline: several owners, every stage, a year of expected months."""
from __future__ import annotations

import sqlalchemy as sa


def test_demo_pipeline_makes_the_charts_meaningful(app, admin):
    from core.db import session
    from core.demo import fill
    from core.security.models import User
    from plugins.opportunities import reports

    with app.test_request_context("/"):
        boss = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        fill(boss)
        owners = reports.breakdown(boss, {"by": "owner_id"})["data"]
        funnel = reports.funnel(boss)["data"]
        forecast = reports.forecast(boss)["data"]
        stuck = reports.stuck(boss, {"days": "14"})
        won_lost = reports.won_lost(boss)
    assert len(owners) >= 3
    assert all(row["count"] > 0 for row in funnel), funnel
    assert sum(1 for month in forecast if month["deals"]) == 12
    assert stuck["total"] > 0 and won_lost["lost_reasons"] and won_lost["competitors"]
