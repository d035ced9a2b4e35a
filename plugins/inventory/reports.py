"""What people read about stock: the stock list, min/max alerts, a product's movements, the daily report,
monthly in/out, stock value per warehouse, who bought and who supplies a product.

Every function starts with :func:`plugins.inventory.rights.require_view`; products and warehouses are read
through :func:`core.entities.query.visible_select`, and what comes from sales orders and purchase orders
(customers, suppliers, prices) only from the orders the user may see.  Stock value is quantity × the
product's cost (원가).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from core.db import session
from core.entities.query import visible_select
from core.runtime import runtime
from core.security.fields import hidden_fields
from core.security.models import User
from plugins.inventory import rights
from plugins.inventory.models import Balance, Movement, ProductStock, StockDocument

IN_KINDS = ("receipt", "opening", "return_in")
OUT_KINDS = ("issue", "return_out")
TRANSFER_KINDS = ("transfer_in", "transfer_out")
MAX_DAYS = 366
PLACES = Decimal("0.0001")


def q4(value) -> Decimal:
    """A quantity with the ledger's four places, whichever database summed it."""
    return Decimal(value or 0).quantize(PLACES)


def entity(name: str):
    return runtime().registry.get(name)


def cost_visible(user) -> bool:
    """Cost (and so stock value) is field-protected on products: hidden cost, no value."""
    return "cost" not in hidden_fields(entity("products"), user)


def products_subquery(user):
    p = entity("products").table
    c = entity("product_categories").table
    return (visible_select(entity("products"), user, p.c.id, p.c.name, p.c.model, p.c.code, p.c.cost,
                           c.c.path.label("category"))
            .outerjoin(c, c.c.id == p.c.category_id).subquery())


def warehouses_subquery(user):
    w = entity("warehouses").table
    return visible_select(entity("warehouses"), user, w.c.id, w.c.name, w.c.code).subquery()


def stock_list(user, *, warehouse_id: int | None = None, include_zero: bool = False, q: str | None = None,
               limit: int = 1000) -> list[dict]:
    """Per product (and warehouse when one is chosen; else the total of all): quantity and value at cost."""
    rights.require_view(user)
    b = Balance.__table__
    p, w = products_subquery(user), warehouses_subquery(user)
    quantity = sa.func.sum(b.c.quantity).label("quantity")
    stmt = (sa.select(p.c.id, p.c.name, p.c.model, p.c.code, p.c.category, p.c.cost, quantity)
            .join(b, b.c.product_id == p.c.id).join(w, w.c.id == b.c.warehouse_id)
            .group_by(p.c.id, p.c.name, p.c.model, p.c.code, p.c.category, p.c.cost)
            .order_by(p.c.name, p.c.id).limit(limit))
    if warehouse_id is not None:
        stmt = stmt.where(b.c.warehouse_id == warehouse_id)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(sa.or_(p.c.name.ilike(like), p.c.model.ilike(like), p.c.code.ilike(like)))
    if not include_zero:
        stmt = stmt.having(sa.func.sum(b.c.quantity) != 0)
    show_cost = cost_visible(user)
    rows = []
    for r in session().execute(stmt):
        qty = q4(r.quantity)
        value = (qty * r.cost).quantize(Decimal("0.01")) if show_cost and r.cost is not None else None
        rows.append({"product_id": r.id, "name": r.name, "model": r.model, "code": r.code, "category": r.category,
                     "quantity": qty, "cost": r.cost if show_cost else None, "value": value})
    return rows


def per_warehouse(user, product_id: int) -> list[dict]:
    """A product's stock in each warehouse (재고 상세내역)."""
    rights.require_view(user)
    b, w = Balance.__table__, warehouses_subquery(user)
    rows = session().execute(sa.select(w.c.id, w.c.name, w.c.code, b.c.quantity).join(b, b.c.warehouse_id == w.c.id)
                             .where(b.c.product_id == product_id).order_by(w.c.code)).all()
    return [{"warehouse_id": r.id, "warehouse": r.name, "code": r.code, "quantity": Decimal(r.quantity)}
            for r in rows]


def limits(user, limit: int = 200) -> dict[str, list[dict]]:
    """Products below their minimum and above their maximum (total stock over all warehouses)."""
    rights.require_view(user)
    b, s, p = Balance.__table__, ProductStock.__table__, products_subquery(user)
    total = sa.func.coalesce(sa.select(sa.func.sum(b.c.quantity)).where(b.c.product_id == p.c.id)
                             .correlate(p).scalar_subquery(), 0).label("quantity")
    base = (sa.select(p.c.id, p.c.name, p.c.model, s.c.min_quantity, s.c.max_quantity, total)
            .join(s, s.c.product_id == p.c.id).where(s.c.tracked.is_(True)).order_by(p.c.name).limit(limit))
    below = session().execute(base.where(s.c.min_quantity.is_not(None), total < s.c.min_quantity)).all()
    above = session().execute(base.where(s.c.max_quantity.is_not(None), total > s.c.max_quantity)).all()

    def shape(rows):
        return [{"product_id": r.id, "name": r.name, "model": r.model, "quantity": Decimal(r.quantity),
                 "min_quantity": r.min_quantity, "max_quantity": r.max_quantity} for r in rows]
    return {"below_minimum": shape(below), "above_maximum": shape(above)}


def history(user, product_id: int, *, warehouse_id: int | None = None, limit: int = 500) -> list[dict]:
    """A product's movements, newest first, with the document, who and the balance after each (출고/입고 내역)."""
    rights.require_view(user)
    m, d, w = Movement.__table__, StockDocument.__table__, warehouses_subquery(user)
    stmt = (sa.select(m, d.c.number, d.c.kind.label("document_kind"), w.c.name.label("warehouse"),
                      User.name.label("user_name"))
            .join(w, w.c.id == m.c.warehouse_id).outerjoin(d, d.c.id == m.c.document_id)
            .outerjoin(User, User.id == m.c.user_id).where(m.c.product_id == product_id))
    if warehouse_id is not None:
        stmt = stmt.where(m.c.warehouse_id == warehouse_id)
    rows = session().execute(stmt.order_by(m.c.id)).all()
    running: dict[int, Decimal] = {}
    out = []
    for r in rows:
        running[r.warehouse_id] = running.get(r.warehouse_id, Decimal(0)) + Decimal(r.quantity)
        out.append({"id": r.id, "moved_on": r.moved_on, "created_at": r.created_at, "kind": r.kind,
                    "warehouse_id": r.warehouse_id, "warehouse": r.warehouse, "quantity": Decimal(r.quantity),
                    "unit_cost": r.unit_cost, "document_id": r.document_id, "document": r.number,
                    "reversal": r.reverses_id is not None, "user": r.user_name,
                    "balance": running[r.warehouse_id]})
    return list(reversed(out))[:limit]


def daily(user, date_from: dt.date, date_to: dt.date, *, warehouse_id: int | None = None,
          product_id: int | None = None) -> list[dict]:
    """재고 일일 보고서: per day, opening, in, out, transfer (net), adjustment and closing quantities."""
    rights.require_view(user)
    m, w, p = Movement.__table__, warehouses_subquery(user), products_subquery(user)
    scope = [m.c.warehouse_id.in_(sa.select(w.c.id)), m.c.product_id.in_(sa.select(p.c.id))]
    if warehouse_id is not None:
        scope.append(m.c.warehouse_id == warehouse_id)
    if product_id is not None:
        scope.append(m.c.product_id == product_id)
    opening = q4(session().scalar(sa.select(sa.func.coalesce(sa.func.sum(m.c.quantity), 0))
                                       .where(m.c.moved_on < date_from, *scope)))

    def part(kinds):
        return sa.func.coalesce(sa.func.sum(sa.case((m.c.kind.in_(kinds), m.c.quantity), else_=0)), 0)
    rows = session().execute(
        sa.select(m.c.moved_on, part(IN_KINDS).label("inward"), part(OUT_KINDS).label("outward"),
                  part(TRANSFER_KINDS).label("transfer"), part(("adjustment",)).label("adjustment"))
        .where(m.c.moved_on >= date_from, m.c.moved_on <= date_to, *scope).group_by(m.c.moved_on)).all()
    by_day = {r.moved_on: r for r in rows}
    out, balance, day = [], opening, date_from
    while day <= date_to:
        r = by_day.get(day)
        inward, outward, transfer, adjustment = ((q4(r.inward), -q4(r.outward), q4(r.transfer), q4(r.adjustment))
                                                 if r else (q4(0),) * 4)
        closing = balance + inward - outward + transfer + adjustment
        out.append({"day": day, "opening": balance, "in": inward, "out": outward, "transfer": transfer,
                    "adjustment": adjustment, "closing": closing})
        balance, day = closing, day + dt.timedelta(days=1)
    return out


def monthly(user, year: int, *, warehouse_id: int | None = None) -> list[dict]:
    """월별 입고/출고/전입 합계 for the chart: quantities in, out and transferred in, per month."""
    rights.require_view(user)
    m, w = Movement.__table__, warehouses_subquery(user)
    scope = [m.c.warehouse_id.in_(sa.select(w.c.id)), m.c.moved_on >= dt.date(year, 1, 1),
             m.c.moved_on <= dt.date(year, 12, 31)]
    if warehouse_id is not None:
        scope.append(m.c.warehouse_id == warehouse_id)
    rows = session().execute(sa.select(m.c.moved_on, m.c.kind, sa.func.sum(m.c.quantity))
                             .where(*scope).group_by(m.c.moved_on, m.c.kind)).all()
    months = [{"month": n, "in": q4(0), "out": q4(0), "transfer_in": q4(0)} for n in range(1, 13)]
    for day, kind, qty in rows:
        slot = months[day.month - 1]
        if kind in IN_KINDS:
            slot["in"] += Decimal(qty)
        elif kind in OUT_KINDS:
            slot["out"] -= Decimal(qty)
        elif kind == "transfer_in":
            slot["transfer_in"] += Decimal(qty)
    return months


def value_per_warehouse(user) -> list[dict]:
    """재고 자산 테이블: per warehouse, the products in stock, the total quantity and the value at cost."""
    rights.require_view(user)
    b, w, p = Balance.__table__, warehouses_subquery(user), products_subquery(user)
    show_cost = cost_visible(user)
    rows = session().execute(
        sa.select(w.c.id, w.c.name, w.c.code, sa.func.count(b.c.product_id), sa.func.sum(b.c.quantity),
                  sa.func.sum(b.c.quantity * sa.func.coalesce(p.c.cost, 0)))
        .join(b, b.c.warehouse_id == w.c.id).join(p, p.c.id == b.c.product_id).where(b.c.quantity != 0)
        .group_by(w.c.id, w.c.name, w.c.code).order_by(w.c.code)).all()
    return [{"warehouse_id": r[0], "warehouse": r[1], "code": r[2], "items": r[3], "quantity": q4(r[4]),
             "value": Decimal(r[5]).quantize(Decimal("0.01")) if show_cost else None} for r in rows]


def customers_of(user, product_id: int, limit: int = 50) -> list[dict]:
    """이 제품을 구입한 고객: accounts with shipped quantities of the product on orders the user may see."""
    rights.require_view(user)
    orders, lines, accounts = entity("sales_orders"), entity("sales_order_lines").table, entity("accounts")
    o, a = orders.table, accounts.table
    visible = visible_select(orders, user, o.c.id).subquery()
    rows = session().execute(
        sa.select(a.c.id, a.c.name, sa.func.sum(lines.c.shipped_quantity), sa.func.max(o.c.order_date))
        .join(o, o.c.account_id == a.c.id).join(lines, lines.c.order_id == o.c.id)
        .where(o.c.id.in_(sa.select(visible.c.id)), lines.c.product_id == product_id, lines.c.deleted_at.is_(None),
               lines.c.shipped_quantity > 0)
        .group_by(a.c.id, a.c.name).order_by(sa.func.max(o.c.order_date).desc()).limit(limit)).all()
    return [{"account_id": r[0], "name": r[1], "shipped": q4(r[2]), "last_order": r[3]} for r in rows]


def suppliers_of(user, product_id: int, limit: int = 50) -> list[dict]:
    """제품을 제공하는 공급자: suppliers on purchase orders for the product, last and lowest price."""
    rights.require_view(user)
    pos, a = entity("purchase_orders"), entity("accounts").table
    po, pl = pos.table, entity("purchase_order_lines").table
    visible = visible_select(pos, user, po.c.id).where(po.c.status != "cancelled").subquery()
    rows = session().execute(
        sa.select(a.c.id, a.c.name, pl.c.unit_price, po.c.order_date, pl.c.quantity)
        .join(po, po.c.supplier_id == a.c.id).join(pl, pl.c.order_id == po.c.id)
        .where(po.c.id.in_(sa.select(visible.c.id)), pl.c.product_id == product_id, pl.c.deleted_at.is_(None))
        .order_by(po.c.order_date.desc(), pl.c.id.desc())).all()
    found: dict[int, dict] = {}
    for account_id, name, price, day, qty in rows:
        entry = found.setdefault(account_id, {"account_id": account_id, "name": name, "last_price": price,
                                              "last_date": day, "lowest_price": price, "orders": 0})
        entry["lowest_price"] = min(entry["lowest_price"], price)
        entry["orders"] += 1
    return list(found.values())[:limit]
