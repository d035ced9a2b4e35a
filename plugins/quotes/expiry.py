"""The expiry job: quotes whose validity date has passed become ``expired`` (유효기간초과).

One ``quotes.expire`` job runs shortly after midnight in the deployment's time
zone and queues the next night's run (a dedupe key per day keeps one job per
night however often it is queued).  Saving a quote queues the coming night's
run, so a deployment needs nothing else.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.db import session
from core.entities import handover, records
from core.i18n import deployment_tz, local_today
from core.jobs import enqueue
from core.security.system import system_actor
from plugins.quotes.documents import entity
from plugins.quotes.services import OPEN

JOB_TYPE = "quotes.expire"
RUN_AFTER_MIDNIGHT = dt.timedelta(minutes=5)


def expire_due(today: dt.date) -> list[int]:
    """Set every open quote valid until before ``today`` to expired; returns their ids."""
    quotes = entity("quotes")
    t = quotes.table
    ids = session().scalars(sa.select(t.c.id).where(t.c.status.in_(OPEN), t.c.valid_until < today,
                                                    t.c.deleted_at.is_(None)).order_by(t.c.id)).all()
    with handover.allowed("expiry"):
        for quote_id in ids:
            records.update(quotes, quote_id, {"status": "expired"}, system_actor(), check_rights=False)
    return list(ids)


def next_run(today: dt.date) -> dt.datetime:
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=deployment_tz())
    return (midnight + RUN_AFTER_MIDNIGHT).astimezone(dt.timezone.utc)


def schedule_next() -> int:
    today = local_today()
    return enqueue(JOB_TYPE, {}, run_at=next_run(today), dedupe_key=f"{JOB_TYPE}:{today.isoformat()}")


def expire_job(payload: dict, ctx) -> None:
    expire_due(local_today())
    schedule_next()
