"""Sales orders: from an accepted quote (once), the won opportunity, credit control, shipments for inventory."""
from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.quotes.tests.conftest import ok


def test_order_from_quote_wins_the_opportunity_once(approved):
    rep, make = approved
    account = rep.account()
    opp = ok(rep.api.post("/api/v1/opportunities", json={"title": "서버", "account_id": account,
                                                         "revenue_month": "2026-12-01"}), 201)["id"]
    quote = make(account, opportunity_id=opp)
    order = ok(rep.api.post(f"/api/v1/quotes/{quote['id']}/order", json={}), 201)
    assert (order["quote_id"], order["account_id"], order["status"], order["total"]) == \
        (quote["id"], account, "draft", "1100000.00")
    assert ok(rep.api.get(f"/api/v1/opportunities/{opp}"))["stage"] == "won"
    error = ok(rep.api.post(f"/api/v1/quotes/{quote['id']}/order", json={}), 422)["error"]
    assert "quote_id" in error["fields"]
    # a second order for the same opportunity (made directly) leaves the stage history alone
    ok(rep.api.post("/api/v1/sales_orders", json={"title": "추가", "account_id": account, "opportunity_id": opp}), 201)
    history = ok(rep.api.get(f"/api/v1/opportunities/{opp}/stage-history"))["data"]
    assert [h["to"] for h in history].count("won") == 1


def test_only_an_accepted_quote_becomes_an_order(sales):
    quote = sales.quote(sales.account())
    error = ok(sales.api.post(f"/api/v1/quotes/{quote['id']}/order", json={}), 422)["error"]
    assert "quote_id" in error["fields"]
    assert ok(sales.api.get("/api/v1/sales_orders"))["meta"]["total"] == 0


def test_credit_limit_refuses_then_override_with_reason(team, approved, admin):
    rep, make = approved
    account = rep.account("한도상사", credit_limit="2000000")
    first = ok(rep.api.post(f"/api/v1/quotes/{make(account)['id']}/order", json={}), 201)
    assert ok(rep.api.post(f"/api/v1/quotes/orders/{first['id']}/confirm", json={}))["status"] == "open"
    second = ok(rep.api.post(f"/api/v1/quotes/{make(account)['id']}/order", json={}), 201)
    refused = ok(rep.api.post(f"/api/v1/quotes/orders/{second['id']}/confirm", json={}), 422)["error"]
    assert refused["code"] == "credit_limit"
    assert "2,000,000" in refused["message"] and "1,100,000" in refused["message"]
    # a rep has no override right; a director (listed in quote_override_roles) overrides with a reason
    assert rep.api.post(f"/api/v1/quotes/orders/{second['id']}/confirm",
                        json={"override_reason": "선입금 약속"}).status_code == 403
    assert ok(rep.api.get(f"/api/v1/sales_orders/{second['id']}"))["status"] == "draft"
    director = team["director"]
    confirmed = ok(director.post(f"/api/v1/quotes/orders/{second['id']}/confirm",
                                 json={"override_reason": "선입금 약속"}))
    assert (confirmed["status"], confirmed["credit_override_reason"]) == ("open", "선입금 약속")
    history = ok(director.get(f"/api/v1/sales_orders/{second['id']}/history"))["data"]
    assert history[-1]["changes"]["credit_override_reason"] == [None, "선입금 약속"]
    assert history[-1]["user_id"] == team.ids["director"]


def test_paid_orders_free_the_credit(approved):
    rep, make = approved
    account = rep.account("한도상사", credit_limit="1500000")
    first = ok(rep.api.post(f"/api/v1/quotes/{make(account)['id']}/order", json={}), 201)
    ok(rep.api.post(f"/api/v1/quotes/orders/{first['id']}/confirm", json={}))
    second = ok(rep.api.post(f"/api/v1/quotes/{make(account)['id']}/order", json={}), 201)
    assert rep.api.post(f"/api/v1/quotes/orders/{second['id']}/confirm", json={}).status_code == 422
    paid = ok(rep.api.patch(f"/api/v1/sales_orders/{first['id']}", json={"paid_amount": "1100000"}))
    assert paid["payment_status"] == "paid"
    assert ok(rep.api.post(f"/api/v1/quotes/orders/{second['id']}/confirm", json={}))["status"] == "open"


def test_shipments_move_the_order_status(approved):
    """What inventory uses: ordered, shipped and remaining quantity per line, and the shipment service."""
    rep, make = approved
    quote = make(rep.account())
    order = ok(rep.api.post(f"/api/v1/quotes/{quote['id']}/order", json={}), 201)
    ok(rep.api.post(f"/api/v1/quotes/orders/{order['id']}/confirm", json={}))
    line = ok(rep.api.get(f"/api/v1/sales_order_lines?order_id={order['id']}"))["data"][0]
    assert (Decimal(line["quantity"]), Decimal(line["shipped_quantity"]), Decimal(line["remaining_quantity"])) == \
        (1, 0, 1)
    ok(rep.api.patch(f"/api/v1/sales_order_lines/{line['id']}", json={"quantity": "5"}), 422)
    assert rep.api.post(f"/api/v1/quotes/order-lines/{line['id']}/ship", json={"quantity": "2"}).status_code == 422
    assert rep.api.post(f"/api/v1/quotes/order-lines/{line['id']}/ship", json={"quantity": "0"}).status_code == 422
    shipped = ok(rep.api.post(f"/api/v1/quotes/order-lines/{line['id']}/ship", json={"quantity": "1"}))
    assert (Decimal(shipped["shipped_quantity"]), Decimal(shipped["remaining_quantity"])) == (1, 0)
    assert ok(rep.api.get(f"/api/v1/sales_orders/{order['id']}"))["status"] == "shipped"
    assert rep.api.post(f"/api/v1/quotes/orders/{order['id']}/cancel", json={}).status_code == 422


@pytest.mark.parametrize("body", [[1, 2], "text", {"quantity": "lots"}, {"quantity": None}, {"quantity": "NaN"}])
def test_bad_shipment_bodies_are_refused(approved, body):
    rep, make = approved
    order = ok(rep.api.post(f"/api/v1/quotes/{make(rep.account())['id']}/order", json={}), 201)
    ok(rep.api.post(f"/api/v1/quotes/orders/{order['id']}/confirm", json={}))
    line = ok(rep.api.get(f"/api/v1/sales_order_lines?order_id={order['id']}"))["data"][0]
    response = rep.api.post(f"/api/v1/quotes/order-lines/{line['id']}/ship", json=body)
    assert response.status_code in (400, 422), response.get_json()
    assert Decimal(ok(rep.api.get(f"/api/v1/sales_order_lines/{line['id']}"))["shipped_quantity"]) == 0
    assert rep.api.post(f"/api/v1/quotes/{order['quote_id']}/approve", json=[1]).status_code in (400, 422)
