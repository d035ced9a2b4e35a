"""Demo stock for ``plugcrm demo``: three warehouses with keepers, opening balances, purchase orders in each
state, transfers, a stock-take and shipments of the confirmed sales orders, spread over the last weeks.

The clock is moved back for the older documents (as tests do) so the daily report and the monthly chart
have history; it is put back at the end.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa

from core import clock
from core.db import session
from core.demo import DEMO_PASSWORD
from core.runtime import runtime
from core.security.models import Role, User
from plugins.inventory import keepers, outbound, product_stock, purchasing, stock

WAREHOUSES = [("본사창고", "HQ", "서울특별시 강남구 테헤란로 152 지하 1층"),
              ("부산물류센터", "PUS", "부산광역시 강서구 녹산산업중로 333"),
              ("대전창고", "DJN", "대전광역시 유성구 테크노2로 187")]
STAFF = [("warehouse", "정창고", "keeper@demo.plugcrm.kr"), ("warehouse", "한물류", "busan.keeper@demo.plugcrm.kr"),
         ("purchasing", "오구매", "buyer@demo.plugcrm.kr")]
SUPPLIERS = [("대한부품(주)", "02-2108-3300"), ("(주)한빛전자", "031-776-4100")]


def staff(demo) -> dict[str, User]:
    sess, found = session(), {}
    for role_name, name, email in STAFF:
        user = sess.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, language="ko",
                        role_id=sess.scalar(sa.select(Role.id).where(Role.name == role_name)))
            user.set_password(DEMO_PASSWORD)
            sess.add(user)
            sess.flush()
        found[email] = user
    return found


def at(days_ago: int) -> None:
    clock.set_now(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago))


def fill(demo) -> None:
    rnd = random.Random(17)
    people = staff(demo)
    admin = demo.admin
    houses = [demo.create("warehouses", {"name": n, "code": c, "address": a}) for n, c, a in WAREHOUSES]
    keepers.replace(houses[0]["id"], [people["keeper@demo.plugcrm.kr"].id], admin)
    keepers.replace(houses[1]["id"], [people["busan.keeper@demo.plugcrm.kr"].id], admin)
    keepers.replace(houses[2]["id"], [people["keeper@demo.plugcrm.kr"].id], admin)
    suppliers = [demo.create("accounts", {"name": n, "phone": p, "is_supplier": True, "status": "partner"})
                 for n, p in SUPPLIERS]
    products = product_rows()
    try:
        at(45)
        for house in houses:
            lines = [{"product_id": p["id"], "quantity": str(rnd.randint(20, 80)), "unit_cost": str(p["cost"] or 0)}
                     for p in products]
            post(stock.draft("opening", {"warehouse_id": house["id"], "lines": lines, "note": "재고 초기화"}, admin),
                 admin)
        for index, p in enumerate(products):
            product_stock.put(p["id"], {"min_quantity": "60" if index % 3 == 0 else "10",
                                        "max_quantity": "400"}, admin)
        buy(demo, rnd, people["buyer@demo.plugcrm.kr"], admin, suppliers, products, houses)
        at(12)
        post(stock.draft("transfer", {"warehouse_id": houses[0]["id"], "to_warehouse_id": houses[1]["id"],
                                      "lines": [{"product_id": products[0]["id"], "quantity": "5"}]}, admin), admin)
        at(5)
        counted = stock.ledger.on_hand(products[-1]["id"], houses[2]["id"]) - 2
        post(stock.draft("stocktake", {"warehouse_id": houses[2]["id"], "note": "월말 실사",
                                       "lines": [{"product_id": products[-1]["id"], "quantity": str(counted)}]},
                         admin), admin)
        at(1)
        ship(admin, houses[0])
    finally:
        clock.reset()


def post(doc, user) -> None:
    stock.post(doc.id, user)


def buy(demo, rnd, buyer, admin, suppliers, products, houses) -> None:
    """Four purchase orders: received, partly received, ordered with a receipt awaiting its keeper, draft."""
    for index, days in enumerate((30, 20, 8, 2)):
        at(days)
        order = demo.create("purchase_orders", {"supplier_id": suppliers[index % 2]["id"], "owner_id": buyer.id,
                                                "warehouse_id": houses[index % 2]["id"],
                                                "expected_date": (clock.now() + dt.timedelta(days=7)).date()
                                                .isoformat()}, buyer)
        for p in rnd.sample(products, k=min(3, len(products))):
            cost = Decimal(p["cost"] or 10000) * Decimal(rnd.choice(["1", "1", "0.95", "1.05"]))
            demo.create("purchase_order_lines", {"order_id": order["id"], "product_id": p["id"],
                                                 "quantity": str(rnd.randint(10, 40)),
                                                 "unit_price": str(cost.quantize(Decimal(1)))}, buyer)
        if index == 3:
            continue
        purchasing.place(order["id"], buyer)
        lines = purchasing.live_lines(order["id"])
        if index == 0:
            post(purchasing.receive(order["id"], buyer), admin)
        elif index == 1:
            half = {str(ln["id"]): str(ln["quantity"] // 2) for ln in lines}
            post(purchasing.receive(order["id"], buyer, quantities=half), admin)
        else:
            purchasing.receive(order["id"], buyer)


def ship(admin, house) -> None:
    """Ship the confirmed sales orders from the head-office warehouse: the first in full, the others in part."""
    orders = runtime().registry.get("sales_orders").table
    ids = session().scalars(sa.select(orders.c.id).where(orders.c.status.in_(outbound.SHIPPABLE),
                                                         orders.c.deleted_at.is_(None)).order_by(orders.c.id)).all()
    for index, order_id in enumerate(ids):
        if not outbound.needing_stock(order_id):
            continue
        doc = outbound.create(order_id, house["id"], admin)
        if index == 0:
            post(doc, admin)
        elif index == 1:
            lines = stock.lines_of(doc.id)
            stock.post(doc.id, admin, {str(lines[0].id): "1"})


def product_rows() -> list[dict]:
    t = runtime().registry.get("products").table
    rows = session().execute(sa.select(t.c.id, t.c.cost).where(t.c.discontinued.is_(False), t.c.deleted_at.is_(None))
                             .order_by(t.c.id).limit(12)).all()
    return [{"id": r.id, "cost": r.cost} for r in rows]
