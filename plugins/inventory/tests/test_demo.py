"""``plugcrm demo`` with inventory: three warehouses with keepers, stock of the demo products, purchase orders
in several states, shipments of the confirmed sales orders, and a ledger that agrees with its balances."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from core.db import session
from core.demo import fill
from core.runtime import runtime
from core.security.models import User
from plugins.inventory import ledger
from plugins.inventory.models import Balance, Keeper, StockDocument


def test_demo_has_warehouses_stock_purchase_orders_and_shipments(app, team):
    team["admin"]
    with app.test_request_context("/"):
        fill(session().scalar(sa.select(User).where(User.email == "admin@example.com")))
        houses = session().scalars(sa.select(runtime().registry.get("warehouses").table.c.code)).all()
        pos = Counter(session().scalars(sa.select(runtime().registry.get("purchase_orders").table.c.status)))
        kinds = Counter((d.kind, d.status) for d in session().scalars(sa.select(StockDocument)))
        orders = Counter(session().scalars(sa.select(runtime().registry.get("sales_orders").table.c.status)))
        assert sorted(houses) == ["DJN", "HQ", "PUS"]
        assert session().scalar(sa.select(sa.func.count()).select_from(Keeper)) == 3
        assert session().scalar(sa.select(sa.func.count()).where(Balance.quantity > 0)) >= 3
        assert pos == Counter({"received": 1, "partially_received": 1, "ordered": 1, "draft": 1}), pos
        assert kinds[("opening", "posted")] == 3 and kinds[("receipt", "draft")] == 1
        assert kinds[("transfer", "posted")] == 1 and kinds[("stocktake", "posted")] == 1
        assert kinds[("issue", "posted")] >= 1, kinds
        assert orders["shipped"] + orders["partially_shipped"] >= 1, orders
        assert ledger.drift() == []
