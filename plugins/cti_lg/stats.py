"""NewZen's 고객접수현황: receipts per agent (received vs handled), per customer, and customers with none.

Every count starts from ``visible_select`` as the asking user, so the
statistics show only receipts (and accounts) that user may see.  The period
is whole days in the deployment's time zone.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.db import session
from core.entities.query import visible_select
from core.errors import BadRequest
from core.i18n import deployment_tz, local_today
from core.plugin_api import translator
from core.runtime import runtime
from core.security.models import User
from core.security.permissions import can
from plugins.cti_lg.entities import DONE, service_receipts

_, _l = translator("cti_lg")

DEFAULT_DAYS = 30
MAX_DAYS = 3660
LIMIT = 500


def period(args) -> tuple[dt.date, dt.date]:
    """``since`` / ``until`` (ISO dates, inclusive); the last 30 days by default."""
    today = local_today()
    try:
        until = dt.date.fromisoformat(args.get("until") or today.isoformat())
        since = dt.date.fromisoformat(args.get("since") or (until - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    except ValueError:
        raise BadRequest(_("Enter dates as YYYY-MM-DD."), {"since": _("Enter dates as YYYY-MM-DD.")}) from None
    if since > until or (until - since).days > MAX_DAYS:
        raise BadRequest(_("The period must start before it ends and span at most ten years."),
                         {"since": _("The period must start before it ends and span at most ten years.")})
    return since, until


def bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = deployment_tz()
    start = dt.datetime.combine(since, dt.time(), zone).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
    return start, end


def in_period(user, since, until, *columns) -> sa.Select:
    t = service_receipts.table
    start, end = bounds(since, until)
    return visible_select(service_receipts, user, *columns).where(t.c.received_at >= start, t.c.received_at < end)


def per_agent(user, since, until) -> list[dict]:
    """접수자 기준: receipts each user received, how many of them are done, and the latest."""
    t = service_receipts.table
    sub = in_period(user, since, until, t.c.receiver_id, t.c.status, t.c.received_at).subquery()
    rows = session().execute(
        sa.select(sub.c.receiver_id, User.name, sa.func.count().label("received"),
                  sa.func.sum(sa.case((sub.c.status == DONE, 1), else_=0)).label("handled"),
                  sa.func.max(sub.c.received_at).label("last"))
        .outerjoin(User, User.id == sub.c.receiver_id)
        .group_by(sub.c.receiver_id, User.name).order_by(sa.desc("received")).limit(LIMIT)).all()
    return [{"user_id": r.receiver_id, "name": r.name or "", "received": r.received, "handled": int(r.handled or 0),
             "last": iso(r.last)} for r in rows]


def per_customer(user, since, until) -> list[dict]:
    """거래처별: receipts per account, with the latest."""
    t = service_receipts.table
    accounts = runtime().registry.entities["accounts"]
    a = accounts.table
    sub = in_period(user, since, until, t.c.account_id, t.c.received_at).where(t.c.account_id.is_not(None)).subquery()
    names = visible_select(accounts, user, a.c.id, a.c.name, a.c.phone).subquery()
    rows = session().execute(
        sa.select(sub.c.account_id, names.c.name, names.c.phone, sa.func.count().label("receipts"),
                  sa.func.max(sub.c.received_at).label("last"))
        .join(names, names.c.id == sub.c.account_id)
        .group_by(sub.c.account_id, names.c.name, names.c.phone).order_by(sa.desc("receipts")).limit(LIMIT)).all()
    return [{"account_id": r.account_id, "name": r.name, "phone": r.phone, "receipts": r.receipts,
             "last": iso(r.last)} for r in rows]


def without_receipt(user, since, until) -> list[dict]:
    """기간내 미접수 업체: accounts the user may see with no receipt (that the user may see) in the period."""
    accounts = runtime().registry.entities["accounts"]
    if not can(user, accounts, "view"):
        return []
    a, t = accounts.table, service_receipts.table
    with_receipt = in_period(user, since, until, t.c.account_id).where(t.c.account_id.is_not(None))
    rows = session().execute(visible_select(accounts, user, a.c.id, a.c.name, a.c.phone)
                             .where(a.c.id.not_in(with_receipt)).order_by(a.c.name).limit(LIMIT)).all()
    return [{"account_id": r.id, "name": r.name, "phone": r.phone} for r in rows]


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None
