"""Pipeline reports as SQL aggregations, each starting from ``visible_select``.

The database does the counting and summing (one GROUP BY per report); Python
only orders the handful of result rows by pipeline position and adds shares,
conversions and labels.  Every report accepts the list filters of the
opportunities API (``owner_id=``, ``type=``, ``created_at__gte=``, ...), so a
drill-down link is the same filter plus the clicked group.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from core import clock
from core.api.paging import int_param
from core.bounds import MAX_DAYS
from core.db import session
from core.entities import picklists
from core.entities.display import reference_labels
from core.entities.query import apply_params, parse_list_args, visible_select
from core.errors import BadRequest
from core.security.fields import hidden_fields
from core.plugin_api import translator
from plugins.opportunities import stages
from plugins.opportunities.models import RevenueMonth
from plugins.opportunities.services import entity

_, _l = translator("opportunities")

DIMENSIONS = ("owner_id", "account_id", "source", "type", "stage")
REPORT_PARAMS = {"from", "to", "days", "by", "limit"}


def filtered(user, args, *columns) -> sa.Select:
    """``visible_select`` over opportunities plus the list filters in ``args`` (none on fields hidden from ``user``)."""
    opps = entity()
    args = args if isinstance(args, MultiDict) else MultiDict(args or {})
    list_args = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in REPORT_PARAMS])
    return apply_params(opps, visible_select(opps, user, *columns), parse_list_args(opps, list_args, user))


def money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def percent(part, whole) -> float | None:
    return None if not whole else round(float(Decimal(part) * 100 / Decimal(whole)), 1)


# --- funnel --------------------------------------------------------------------

def funnel(user, args=None) -> dict:
    """Per stage: count, share of all deals, amount, weighted amount, conversion to the next stage.

    ``reached`` (open and won stages) is the number of deals at or beyond the
    stage: the width of the funnel at that stage.

    Conversion counts a deal as having reached every open or won stage up to
    its current one (lost deals have left the funnel), so conversion from
    stage *i* is deals at or beyond *i+1* divided by deals at or beyond *i*.
    """
    t = entity().table
    stmt = filtered(user, args, t.c.stage, sa.func.count(), sa.func.sum(t.c.amount),
                    sa.func.sum(t.c.forecast_amount)).group_by(t.c.stage)
    found = {row[0]: row for row in session().execute(stmt)}
    active = {st.value for st in stages.all_stages()}
    ordered = [st for st in stages.all_stages(include_inactive=True) if st.value in active or st.value in found]
    total = sum(row[1] for row in found.values())
    rows = [{"stage": st.value, "label": st.label, "kind": st.kind, "colour": st.colour,
             "count": found[st.value][1] if st.value in found else 0,
             "amount": money(found[st.value][2] if st.value in found else 0),
             "weighted": money(found[st.value][3] if st.value in found else 0)} for st in ordered]
    pipeline = [r["stage"] for r in rows if r["kind"] != "lost"]
    reached, running = {}, 0
    for r in reversed([r for r in rows if r["kind"] != "lost"]):
        running += r["count"]
        reached[r["stage"]] = running
    for r in rows:
        r["share"] = percent(r["count"], total)
        position = pipeline.index(r["stage"]) if r["stage"] in pipeline else None
        has_next = position is not None and position + 1 < len(pipeline)
        r["conversion"] = percent(reached[pipeline[position + 1]], reached[r["stage"]]) if has_next else None
        r["reached"] = reached.get(r["stage"])
    return {"data": rows, "total": {"count": total,
                                     "amount": money(sum(Decimal(r["amount"]) for r in rows)),
                                     "weighted": money(sum(Decimal(r["weighted"]) for r in rows))}}


# --- forecast ------------------------------------------------------------------

def month_arg(args, name: str, default: dt.date) -> dt.date:
    from plugins.opportunities.schedule import parse_month
    from core.entities.fields import FieldValueError

    raw = (args or {}).get(name)
    if not raw:
        return default
    try:
        return parse_month(raw)
    except FieldValueError as exc:
        raise BadRequest(_("Invalid list parameters."), {name: str(exc)}) from None


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def forecast(user, args=None) -> dict:
    """Expected revenue per month from the revenue schedules of open and won deals.

    ``from`` / ``to`` (YYYY-MM) bound the months; by default this month and
    the eleven after it.  ``amount`` is unweighted, ``weighted`` applies each
    deal's probability.

    Lump-sum and monthly deals are summed in one GROUP BY over the deals by
    (first month, last month), using the per-month amounts stored on each
    deal (:func:`plugins.opportunities.schedule.compressed`): a deal adds its
    monthly amount from its first month, the difference to its last-month
    amount in its last month, and stops after it, so a running total over
    the months gives each month's revenue.  Installment deals are read from
    the schedule table, joined to the visible deals.
    """
    from core.i18n import local_today

    first = month_arg(args, "from", local_today().replace(day=1))
    last = month_arg(args, "to", add_months(first, 11))
    if last < first:
        raise BadRequest(_("Invalid list parameters."), {"to": _("The end month is before the start month.")})
    changes = month_changes(user, args, last)
    totals = {"amount": Decimal(0), "weighted": Decimal(0), "deals": 0}
    for month in sorted(m for m in changes if m < first):
        add(totals, changes[month])
    exact = installment_months(user, args, first, last)
    months, month = [], first
    while month <= last:
        add(totals, changes.get(month, {}))
        extra = exact.get(month, (0, 0, 0))
        months.append({"month": month.strftime("%Y-%m"), "amount": money(totals["amount"] + Decimal(extra[0] or 0)),
                       "weighted": money(totals["weighted"] + Decimal(extra[1] or 0)),
                       "deals": totals["deals"] + extra[2]})
        month = add_months(month, 1)
    return {"data": months, "total": {"amount": money(sum(Decimal(m["amount"]) for m in months)),
                                      "weighted": money(sum(Decimal(m["weighted"]) for m in months))}}


def add(totals: dict, change: dict) -> None:
    for key, value in change.items():
        totals[key] += value


def lost_stages() -> list[str]:
    return [st.value for st in stages.all_stages(include_inactive=True) if st.kind == "lost"]


def month_changes(user, args, last: dt.date) -> dict:
    """``{month: {amount, weighted, deals}}`` changes of the running monthly totals (lump sum and monthly)."""
    t = entity().table
    end = t.c.revenue_last_month
    stmt = (filtered(user, args, t.c.revenue_month, end, sa.func.count(), sa.func.sum(t.c.month_amount),
                     sa.func.sum(t.c.last_month_amount), sa.func.sum(t.c.month_forecast),
                     sa.func.sum(t.c.last_month_forecast))
            .where(t.c.stage.not_in(lost_stages()), t.c.billing_method != "installments",
                   t.c.revenue_month <= last)
            .group_by(t.c.revenue_month, end))
    changes: dict = {}

    def change(month, amount, weighted, deals):
        c = changes.setdefault(month, {"amount": Decimal(0), "weighted": Decimal(0), "deals": 0})
        c["amount"] += amount
        c["weighted"] += weighted
        c["deals"] += deals

    for start, stop, count, each, final, w_each, w_final in session().execute(stmt):
        each, final, w_each, w_final = (Decimal(v or 0) for v in (each, final, w_each, w_final))
        change(start, each, w_each, count)
        change(stop, final - each, w_final - w_each, 0)
        change(add_months(stop, 1), -final, -w_final, -count)
    return changes


def installment_months(user, args, first: dt.date, last: dt.date) -> dict:
    """``{month: (amount, weighted, deals)}`` of installment deals, from their schedule rows."""
    s, t = RevenueMonth.__table__, entity().table
    deals = filtered(user, args, t.c.id).where(t.c.billing_method == "installments", t.c.stage.not_in(lost_stages()))
    stmt = (sa.select(s.c.month, sa.func.sum(s.c.amount), sa.func.sum(s.c.weighted), sa.func.count())
            .where(s.c.opportunity_id.in_(deals), s.c.month >= first, s.c.month <= last)
            .group_by(s.c.month))
    return {row[0]: tuple(row[1:]) for row in session().execute(stmt)}


# --- by dimension -----------------------------------------------------------------

def breakdown(user, args=None) -> dict:
    """Count, amount and weighted amount grouped ``by`` owner, customer, source, type or stage.

    The largest ``limit`` groups by amount (default and at most 500: by customer there may be many). By
    customer, a group's label is the account's :class:`~core.entities.display.ReferenceLabel` (pages link
    it), or "a record that you cannot see" for an account the user may not see.
    """
    by = (args or {}).get("by") or "owner_id"
    limit = int_param(args or {}, "limit", 500, 1, 500)
    if by not in DIMENSIONS or by in hidden_fields(entity(), user):
        raise BadRequest(_("Invalid list parameters."), {"by": _("Use one of: %(names)s.", names=", ".join(DIMENSIONS))})
    t = entity().table
    column = t.c[by]
    stmt = (filtered(user, args, column, sa.func.count(), sa.func.sum(t.c.amount), sa.func.sum(t.c.forecast_amount))
            .group_by(column).order_by(sa.func.sum(t.c.amount).desc(), column).limit(limit))
    rows = session().execute(stmt).all()
    names = group_labels(by, [r[0] for r in rows], user)
    return {"by": by, "data": [{"key": r[0], "label": names.get(r[0], "—" if r[0] is None else str(r[0])),
                                "count": r[1], "amount": money(r[2]), "weighted": money(r[3])} for r in rows]}


def group_labels(by: str, keys: list, user) -> dict:
    keys = [k for k in keys if k is not None]
    if not keys:
        return {}
    if by == "owner_id":
        from core.security.users import names_of
        return names_of(keys)
    if by == "account_id":
        found = reference_labels("accounts", keys, user)
        return {k: found.get(k) or _("a record that you cannot see") for k in keys}
    picklist = {"source": "opportunity_source", "type": "opportunity_type", "stage": "opportunity_stage"}[by]
    return {k: picklists.label_for(picklist, k) for k in keys}


# --- stuck deals -------------------------------------------------------------------

def stuck(user, args=None) -> dict:
    """Open deals that have stayed in their stage longer than ``days`` (default 30), oldest first.

    Each row names its customer: ``account_id`` and ``account``, the account's
    :class:`~core.entities.display.ReferenceLabel` (``None`` when the user may not see the account).
    """
    from plugins.opportunities.services import dwell_days

    days = int_param(args or {}, "days", 30, 0, MAX_DAYS)
    limit = int_param(args or {}, "limit", 50, 1, 500)
    t = entity().table
    open_values = [s.value for s in stages.all_stages(include_inactive=True) if s.is_open]
    cutoff = clock.now() - dt.timedelta(days=days)
    base = filtered(user, args, t.c.id).where(t.c.stage.in_(open_values), t.c.stage_changed_at < cutoff)
    total = session().execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
    stmt = (filtered(user, args, t.c.id, t.c.number, t.c.title, t.c.account_id, t.c.stage, t.c.owner_id, t.c.amount,
                     t.c.stage_changed_at)
            .where(t.c.stage.in_(open_values), t.c.stage_changed_at < cutoff)
            .order_by(t.c.stage_changed_at, t.c.id).limit(limit))
    data = [{"id": r.id, "number": r.number, "title": r.title, "account_id": r.account_id, "stage": r.stage,
             "stage_label": picklists.label_for("opportunity_stage", r.stage), "owner_id": r.owner_id,
             "amount": money(r.amount), "days_in_stage": dwell_days(r.stage_changed_at)}
            for r in session().execute(stmt)]
    if "account_id" in hidden_fields(entity(), user):
        for r in data:
            del r["account_id"]
    else:
        accounts = reference_labels("accounts", [r["account_id"] for r in data], user)
        for r in data:
            r["account"] = accounts.get(r["account_id"])
    return {"days": days, "total": total, "data": data}


# --- won / lost ----------------------------------------------------------------------

def won_lost(user, args=None) -> dict:
    """Won against lost (count, amount, win rate), lost reasons and the competitors lost to."""
    t = entity().table
    kinds = {s.value: s.kind for s in stages.all_stages(include_inactive=True)}
    closed = [v for v, k in kinds.items() if k in ("won", "lost")]
    rows = session().execute(filtered(user, args, t.c.stage, sa.func.count(), sa.func.sum(t.c.amount))
                             .where(t.c.stage.in_(closed)).group_by(t.c.stage)).all()
    totals = {"won": [0, Decimal(0)], "lost": [0, Decimal(0)]}
    for stage, count, amount in rows:
        totals[kinds[stage]][0] += count
        totals[kinds[stage]][1] += Decimal(amount or 0)
    lost = [v for v, k in kinds.items() if k == "lost"]
    reasons = session().execute(filtered(user, args, t.c.lost_reason, sa.func.count(), sa.func.sum(t.c.amount))
                                .where(t.c.stage.in_(lost)).group_by(t.c.lost_reason)
                                .order_by(sa.func.count().desc())).all()
    rivals = session().execute(filtered(user, args, t.c.lost_to, sa.func.count(), sa.func.sum(t.c.amount))
                               .where(t.c.stage.in_(lost), t.c.lost_to.is_not(None), t.c.lost_to != "")
                               .group_by(t.c.lost_to).order_by(sa.func.count().desc())).all()
    closed_count = totals["won"][0] + totals["lost"][0]
    return {
        "won": {"count": totals["won"][0], "amount": money(totals["won"][1])},
        "lost": {"count": totals["lost"][0], "amount": money(totals["lost"][1])},
        "win_rate": percent(totals["won"][0], closed_count),
        "lost_reasons": [{"reason": r[0], "label": picklists.label_for("opportunity_lost_reason", r[0]) or "—",
                          "count": r[1], "amount": money(r[2])} for r in reasons],
        "competitors": [{"name": r[0], "count": r[1], "amount": money(r[2])} for r in rivals],
    }
