"""50 concurrent order confirmations against one account's credit limit never exceed it (PostgreSQL).

Each thread has its own app context, session and connection, like the
requests of a threaded server; they start together at a barrier.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from core.testing import is_postgres
from plugins.quotes.tests.conftest import ok

ORDERS, LIMIT = 50, Decimal("10000000")


@pytest.mark.postgres_only
@pytest.mark.skipif(not is_postgres(), reason="row-lock concurrency needs PostgreSQL "
                                              "(set PLUGCRM_TEST_DATABASE_URL; .ci/run does)")
def test_fifty_concurrent_confirmations_stay_within_the_credit_limit(app, sales, team):
    from core.db import session
    from core.errors import CRMError
    from core.security.models import User
    from plugins.quotes import orders

    account = sales.account("동시상사", credit_limit=str(LIMIT))
    order_ids = []
    for n in range(ORDERS):
        order = ok(sales.api.post("/api/v1/sales_orders", json={"title": f"주문 {n}", "account_id": account}), 201)
        ok(sales.api.post("/api/v1/sales_order_lines", json={"order_id": order["id"], "name": "서버", "quantity": "1",
                                                             "unit_price": "1000000"}), 201)
        order_ids.append(order["id"])
    admin_id = team.ids["admin"]
    start = threading.Barrier(ORDERS, timeout=60)

    def confirm(order_id: int) -> str:
        with app.app_context():
            start.wait()
            try:
                orders.confirm(order_id, session().get(User, admin_id))
                session().commit()
                return "confirmed"
            except CRMError as exc:
                session().rollback()
                return exc.code

    with ThreadPoolExecutor(max_workers=ORDERS) as pool:
        outcomes = list(pool.map(confirm, order_ids))
    assert outcomes.count("confirmed") == 9 and outcomes.count("credit_limit") == 41, outcomes
    with app.app_context():
        assert orders.exposure(account) == Decimal("9900000") <= LIMIT
