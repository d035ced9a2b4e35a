"""Quote reports: quotes per customer, conversion quote → order, quoted products per customer.

Every report starts from :func:`visible_select`, so a user sees the figures of
the quotes they may see.  ``?date_from=&date_to=`` (quote date) narrow them.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from core.db import session
from core.entities.display import reference_labels
from core.entities.query import visible_select
from core.errors import BadRequest
from core.plugin_api import translator
from plugins.quotes.documents import entity

_, _l = translator("quotes")


def period(stmt, table, args):
    for name, op in (("date_from", "__ge__"), ("date_to", "__le__")):
        raw = args.get(name)
        if raw:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise BadRequest(_("Give %(name)s as YYYY-MM-DD.", name=name)) from None
            stmt = stmt.where(getattr(table.c.quote_date, op)(day))
    return stmt


def money(value) -> str:
    """A sum as the API writes money (two places; SQLite may return an int or a float-free Decimal)."""
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def per_customer(user, args) -> dict:
    """Quotes, accepted quotes and their total per customer, the 200 customers with the most quotes.

    ``account`` is the account's :class:`~core.entities.display.ReferenceLabel` (pages link it), ``None``
    for an account the user may not see (its quotes count; its name is not given away).
    """
    quotes = entity("quotes")
    t = quotes.table
    stmt = period(visible_select(quotes, user, t.c.account_id, sa.func.count().label("count"),
                                 sa.func.sum(t.c.total).label("total"),
                                 sa.func.sum(sa.case((t.c.status == "accepted", 1), else_=0)).label("accepted"))
                  .group_by(t.c.account_id), t, args)
    rows = session().execute(stmt.order_by(sa.func.count().desc(), t.c.account_id).limit(200)).all()
    accounts = reference_labels("accounts", [r.account_id for r in rows], user)
    return {"data": [{"account_id": r.account_id, "account": accounts.get(r.account_id), "count": r.count,
                      "total": money(r.total), "accepted": r.accepted} for r in rows]}


def conversion(user, args) -> dict:
    """How many quotes (not cancelled) became a sales order, per quote month and overall."""
    quotes, orders = entity("quotes"), entity("sales_orders")
    t, o = quotes.table, orders.table
    month = sa.func.substr(sa.cast(t.c.quote_date, sa.String), 1, 7)
    ordered = sa.exists().where(o.c.quote_id == t.c.id, o.c.deleted_at.is_(None))
    stmt = period(visible_select(quotes, user, month, sa.func.count(), sa.func.sum(sa.case((ordered, 1), else_=0)),
                                 sa.func.sum(t.c.total), sa.func.sum(sa.case((ordered, t.c.total), else_=0)))
                  .where(t.c.status != "cancelled").group_by(month).order_by(month), t, args)
    data, all_quotes, all_orders = [], 0, 0
    for m, count, converted, total, converted_total in session().execute(stmt):
        all_quotes, all_orders = all_quotes + count, all_orders + (converted or 0)
        data.append({"month": m, "quotes": count, "orders": converted or 0, "rate": rate(converted or 0, count),
                     "total": money(total), "ordered_total": money(converted_total)})
    return {"data": data, "total": {"quotes": all_quotes, "orders": all_orders, "rate": rate(all_orders, all_quotes)}}


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def quoted_products(user, args) -> dict:
    """Per customer and product: how often and how much was quoted, and the last unit price."""
    quotes, lines = entity("quotes"), entity("quote_lines")
    t, ln = quotes.table, lines.table
    visible = period(visible_select(quotes, user, t.c.id), t, args)
    if args.get("account_id", "").isdigit():
        visible = visible.where(t.c.account_id == int(args["account_id"]))
    stmt = (sa.select(t.c.account_id, ln.c.product_id, sa.func.max(ln.c.name), sa.func.count(),
                      sa.func.sum(ln.c.quantity), sa.func.sum(ln.c.supply_amount), sa.func.max(t.c.quote_date))
            .join(ln, ln.c.quote_id == t.c.id)
            .where(t.c.id.in_(visible), ln.c.deleted_at.is_(None), ln.c.kind == "item", ln.c.product_id.isnot(None))
            .group_by(t.c.account_id, ln.c.product_id).order_by(t.c.account_id, sa.func.count().desc()).limit(500))
    return {"data": [{"account_id": r[0], "product_id": r[1], "product": r[2], "times": r[3], "quantity": str(r[4]),
                      "supply_amount": money(r[5]), "last_quoted": r[6].isoformat() if r[6] else None}
                     for r in session().execute(stmt)]}


REPORTS = {"per-customer": per_customer, "conversion": conversion, "quoted-products": quoted_products}
