"""For any sequence of receipts, issues, transfers, stock-takes, returns and cancellations, each balance
is the sum of its movements and never below zero in a warehouse that does not allow negative stock.

The state machine keeps its own expected quantities and checks them, the ledger's sums and the sign
after every step; a refused step must change nothing.  Each example works on two new products, so
examples start from empty stock and do not depend on each other.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from core.db import session
from core.entities import records
from core.runtime import runtime
from core.security.models import User
from plugins.inventory import ledger, stock
from plugins.inventory.ledger import InsufficientStock
from plugins.inventory.models import Balance, Movement

QTY = st.integers(min_value=1, max_value=40).map(Decimal)


PRODUCT = st.integers(min_value=0, max_value=1)


def run_machine(app, admin_id, warehouses, negative_warehouse):
    class Ledger(RuleBasedStateMachine):
        """Steps through the document service as the administrator, committing like a request."""

        @initialize()
        def start(self):
            self.ctx = app.app_context()
            self.ctx.push()
            self.user = session().get(User, admin_id)
            products = runtime().registry.get("products")
            self.products = [records.create(products, {"name": f"상품 {n}"}, self.user)["id"] for n in range(2)]
            session().commit()
            self.expected = {(p, w): Decimal(0) for p in self.products for w in warehouses}
            self.posted: list[int] = []

        def teardown(self):
            session().rollback()
            self.ctx.pop()

        def attempt(self, kind, data, changes):
            """Post a document; on refusal nothing may change and the refusal must have been due."""
            try:
                doc = stock.draft(kind, data, self.user)
                stock.post(doc.id, self.user)
                session().commit()
            except InsufficientStock:
                session().rollback()
                would = {k: self.expected[k] + d for k, d in changes.items()}
                assert any(v < 0 and k[1] != negative_warehouse for k, v in would.items()), (kind, changes)
                return
            for key, delta in changes.items():
                self.expected[key] += delta
            self.posted.append(doc.id)

        @rule(i=PRODUCT, w=st.sampled_from(warehouses), q=QTY,
              kind=st.sampled_from(["receipt", "opening", "return_in"]))
        def into_stock(self, i, w, q, kind):
            p = self.products[i]
            self.attempt(kind, line_doc(w, p, q), {(p, w): q})

        @rule(i=PRODUCT, w=st.sampled_from(warehouses), q=QTY,
              kind=st.sampled_from(["issue", "return_out"]))
        def out_of_stock(self, i, w, q, kind):
            p = self.products[i]
            self.attempt(kind, line_doc(w, p, q), {(p, w): -q})

        @rule(i=PRODUCT, pair=st.permutations(warehouses).map(lambda ws: ws[:2]), q=QTY)
        def transfer(self, i, pair, q):
            p = self.products[i]
            src, dst = pair
            self.attempt("transfer", {**line_doc(src, p, q), "to_warehouse_id": dst}, {(p, src): -q, (p, dst): q})

        @rule(i=PRODUCT, w=st.sampled_from(warehouses), counted=st.integers(0, 60).map(Decimal))
        def stocktake(self, i, w, counted):
            p = self.products[i]
            self.attempt("stocktake", line_doc(w, p, counted), {(p, w): counted - self.expected[(p, w)]})

        @precondition(lambda self: self.posted)
        @rule(pick=st.integers(min_value=0))
        def cancel(self, pick):
            doc_id = self.posted[pick % len(self.posted)]
            moves = session().execute(ledger.sa.select(Movement.product_id, Movement.warehouse_id, Movement.quantity)
                                      .where(Movement.document_id == doc_id)).all()
            changes: dict = {}
            for product_id, warehouse_id, quantity in moves:
                changes[(product_id, warehouse_id)] = changes.get((product_id, warehouse_id), 0) - Decimal(quantity)
            try:
                stock.cancel(doc_id, self.user)
                session().commit()
            except InsufficientStock:
                session().rollback()
                assert any(self.expected[k] + d < 0 and k[1] != negative_warehouse for k, d in changes.items())
                return
            self.posted.remove(doc_id)
            for key, delta in changes.items():
                self.expected[key] += delta

        @invariant()
        def balances_are_the_ledger(self):
            assert ledger.drift() == []
            for (p, w), quantity in self.expected.items():
                assert current(p, w) == quantity, (p, w)
                if w != negative_warehouse:
                    assert quantity >= 0

    settings_ = settings(max_examples=25, stateful_step_count=25, deadline=None,
                         suppress_health_check=list(HealthCheck))
    Ledger.TestCase.settings = settings_
    return Ledger.TestCase


def line_doc(warehouse_id, product_id, quantity):
    return {"warehouse_id": warehouse_id, "lines": [{"product_id": product_id, "quantity": str(quantity)}]}


def current(product_id, warehouse_id) -> Decimal:
    table = Balance.__table__
    value = session().scalar(ledger.sa.select(table.c.quantity).where(table.c.product_id == product_id,
                                                                     table.c.warehouse_id == warehouse_id))
    return Decimal(value or 0)


def test_balances_always_equal_the_sum_of_movements_and_never_go_negative(app, team, shop):
    admin = team["admin"]
    loose = admin.post("/api/v1/warehouses", json={"name": "임시창고", "code": "TMP", "allow_negative": True})
    assert loose.status_code == 201
    warehouses = [shop.a, shop.b, loose.json["id"]]
    case = run_machine(app, team.id("admin"), warehouses, loose.json["id"])
    case("runTest").runTest()
