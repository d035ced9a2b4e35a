"""The stock side of the trading company, end to end through the API: purchasing and receipts confirmed by
the keeper, outbound orders from sales orders with partial shipments, stock-takes, opening balances from
Excel, the reports, and the purchase order's printed forms."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from plugins.inventory.tests.conftest import ok
from tests.browser.support import logged_in


def po_with_lines(team, shop, lines, who="buyer"):
    api = team[who]
    po = ok(api.post("/api/v1/purchase_orders", json={"supplier_id": shop.supplier, "warehouse_id": shop.a}), 201)
    for product, quantity, price in lines:
        ok(api.post("/api/v1/purchase_order_lines", json={"order_id": po["id"], "product_id": product,
                                                          "quantity": quantity, "unit_price": price}), 201)
    return po["id"]


def test_a_purchase_order_is_received_in_parts_confirmed_by_the_keeper(team, shop):
    buyer, keeper = team["buyer"], team["keeper_a"]
    po = po_with_lines(team, shop, [(shop.router, "10", "1100"), (shop.switch, "4", "5000")])
    assert ok(buyer.get(f"/api/v1/purchase_orders/{po}"))["total"] == "31000.00"
    ok(buyer.post(f"/api/v1/inventory/purchase-orders/{po}/order"))
    lines = ok(buyer.get("/api/v1/purchase_order_lines", query_string={"order_id": po}))["data"]
    router_line = next(ln for ln in lines if ln["product_id"] == shop.router)
    receipt = ok(buyer.post(f"/api/v1/inventory/purchase-orders/{po}/receive",
                            json={"quantities": {str(router_line["id"]): "6"}}), 201)
    assert receipt["status"] == "draft" and shop.on_hand(shop.router, shop.a) is None  # awaits the keeper
    ok(buyer.post(f"/api/v1/inventory/documents/{receipt['id']}/post"), 403)  # the buyer keeps no warehouse
    ok(keeper.post(f"/api/v1/inventory/documents/{receipt['id']}/post"))
    assert shop.on_hand(shop.router, shop.a) == "6.0000"
    assert ok(buyer.get(f"/api/v1/purchase_orders/{po}"))["status"] == "partially_received"
    rest = ok(buyer.post(f"/api/v1/inventory/purchase-orders/{po}/receive", json={}), 201)
    assert sorted(ln["quantity"] for ln in rest["lines"]) == ["4.0000", "4.0000"]
    ok(keeper.post(f"/api/v1/inventory/documents/{rest['id']}/post"))
    assert ok(buyer.get(f"/api/v1/purchase_orders/{po}"))["status"] == "received"
    assert ok(buyer.post(f"/api/v1/inventory/purchase-orders/{po}/receive", json={}), 422)
    # the router was bought at 1,100 while its cost is 1,000: cost review needed; the switch at its cost
    assert ok(keeper.get(f"/api/v1/inventory/products/{shop.router}/stock"))["settings"]["cost_review_needed"]
    assert not ok(keeper.get(f"/api/v1/inventory/products/{shop.switch}/stock"))["settings"]["cost_review_needed"]
    history = ok(buyer.get("/api/v1/inventory/price-history", query_string={"product_id": shop.router}))["data"]
    assert [(h["supplier"], h["unit_price"]) for h in history] == [("대한부품", "1100.00")]
    suppliers = ok(team["rep"].get(f"/api/v1/inventory/products/{shop.router}/stock"))["suppliers"]
    assert suppliers[0]["name"] == "대한부품"


def test_placed_purchase_orders_are_locked_and_cancelled_only_by_the_boss(team, shop):
    buyer = team["buyer"]
    po = po_with_lines(team, shop, [(shop.router, "5", "1000")])
    ok(buyer.post(f"/api/v1/inventory/purchase-orders/{po}/order"))
    line = ok(buyer.get("/api/v1/purchase_order_lines", query_string={"order_id": po}))["data"][0]
    ok(buyer.patch(f"/api/v1/purchase_order_lines/{line['id']}", json={"quantity": "50"}), 422)
    ok(buyer.post(f"/api/v1/inventory/purchase-orders/{po}/cancel"), 403)
    assert ok(team["boss"].post(f"/api/v1/inventory/purchase-orders/{po}/cancel"))["status"] == "cancelled"
    ok(team["rep"].post("/api/v1/purchase_orders", json={"supplier_id": shop.supplier}), 403)
    not_supplier = buyer.post("/api/v1/purchase_orders", json={"supplier_id": shop.customer})
    assert not_supplier.status_code == 422 and "supplier_id" in not_supplier.json["error"]["fields"]


def confirmed_order(team, shop, lines):
    admin = team["admin"]
    order = ok(admin.post("/api/v1/sales_orders", json={"title": "라우터 납품", "account_id": shop.customer}), 201)
    for product, quantity in lines:
        ok(admin.post("/api/v1/sales_order_lines", json={"order_id": order["id"], "product_id": product,
                                                         "quantity": quantity, "unit_price": "2000"}), 201)
    ok(admin.post("/api/v1/sales_order_lines", json={"order_id": order["id"], "name": "설치비", "quantity": "1",
                                                     "unit_price": "50000"}), 201)  # no product: no stock
    ok(admin.post(f"/api/v1/quotes/orders/{order['id']}/confirm", json={}))
    return order["id"]


def test_an_order_ships_in_several_outbound_orders_and_its_lines_follow(team, shop):
    shop.move("keeper_a", "receipt", shop.a, [{"product_id": shop.router, "quantity": "20"},
                                              {"product_id": shop.switch, "quantity": "20"}])
    order = confirmed_order(team, shop, [(shop.router, "5"), (shop.switch, "3")])
    admin, keeper = team["admin"], team["keeper_a"]
    first = ok(admin.post(f"/api/v1/inventory/sales-orders/{order}/outbound", json={"warehouse_id": shop.a}), 201)
    assert sorted(ln["quantity"] for ln in first["lines"]) == ["3.0000", "5.0000"]  # the 설치비 line needs no stock
    router = next(ln for ln in first["lines"] if ln["product_id"] == shop.router)
    switch = next(ln for ln in first["lines"] if ln["product_id"] == shop.switch)
    ok(keeper.post(f"/api/v1/inventory/documents/{first['id']}/post",
                   json={"quantities": {str(router["id"]): "2", str(switch["id"]): "3"}}))
    assert ok(admin.get(f"/api/v1/sales_orders/{order}"))["status"] == "partially_shipped"
    assert shop.on_hand(shop.router, shop.a) == "18.0000"
    second = ok(admin.post(f"/api/v1/inventory/sales-orders/{order}/outbound", json={"warehouse_id": shop.a}), 201)
    assert [(ln["product_id"], ln["quantity"]) for ln in second["lines"]] == [(shop.router, "3.0000")]
    ok(keeper.post(f"/api/v1/inventory/documents/{second['id']}/post"))
    lines = ok(admin.get("/api/v1/sales_order_lines", query_string={"order_id": order}))["data"]
    shipped = {ln["product_id"]: (ln["shipped_quantity"], ln["remaining_quantity"]) for ln in lines if ln["product_id"]}
    assert {k: (Decimal(a), Decimal(b)) for k, (a, b) in shipped.items()} == {
        shop.router: (5, 0), shop.switch: (3, 0)}
    assert ok(admin.get(f"/api/v1/sales_orders/{order}"))["status"] == "partially_shipped"  # 설치비 is not stock
    service = next(ln for ln in lines if not ln["product_id"])
    ok(admin.post(f"/api/v1/quotes/order-lines/{service['id']}/ship", json={"quantity": "1"}))
    assert ok(admin.get(f"/api/v1/sales_orders/{order}"))["status"] == "shipped"
    ok(admin.post(f"/api/v1/inventory/sales-orders/{order}/outbound", json={"warehouse_id": shop.a}), 422)
    customers = ok(team["rep"].get(f"/api/v1/inventory/products/{shop.router}/stock"))["customers"]
    assert [c["name"] for c in customers] == []  # the rep cannot see the administrator's order
    customers = ok(admin.get(f"/api/v1/inventory/products/{shop.router}/stock"))["customers"]
    assert [(c["name"], c["shipped"]) for c in customers] == [("해동통신", "5.0000")]


def test_an_outbound_order_cannot_ship_more_than_is_in_stock(team, shop):
    shop.move("keeper_a", "receipt", shop.a, [{"product_id": shop.router, "quantity": "2"}])
    order = confirmed_order(team, shop, [(shop.router, "5")])
    doc = ok(team["admin"].post(f"/api/v1/inventory/sales-orders/{order}/outbound", json={"warehouse_id": shop.a}),
             201)
    refused = ok(team["keeper_a"].post(f"/api/v1/inventory/documents/{doc['id']}/post"), 422)
    assert refused["error"]["code"] == "insufficient_stock"
    line = ok(team["admin"].get("/api/v1/sales_order_lines", query_string={"order_id": order}))["data"][0]
    assert Decimal(line["shipped_quantity"]) == 0  # nothing shipped, nothing moved
    assert shop.on_hand(shop.router, shop.a) == "2.0000"


def test_a_stock_take_posts_the_differences(team, shop):
    shop.move("keeper_a", "receipt", shop.a, [{"product_id": shop.router, "quantity": "10"},
                                              {"product_id": shop.switch, "quantity": "4"}])
    take = shop.move("keeper_a", "stocktake", shop.a, [{"product_id": shop.router, "quantity": "8"},
                                                       {"product_id": shop.switch, "quantity": "5"}])
    assert sorted((ln["book_quantity"], ln["quantity"]) for ln in take["lines"]) == [
        ("10.0000", "8.0000"), ("4.0000", "5.0000")]
    assert shop.on_hand(shop.router, shop.a) == "8.0000" and shop.on_hand(shop.switch, shop.a) == "5.0000"
    moves = ok(team["rep"].get(f"/api/v1/inventory/products/{shop.router}/movements"))["data"]
    assert (moves[0]["kind"], moves[0]["quantity"], moves[0]["balance"]) == ("adjustment", "-2.0000", "8.0000")


def test_returns_move_stock_both_ways(team, shop):
    shop.move("keeper_a", "receipt", shop.a, [{"product_id": shop.router, "quantity": "10"}])
    shop.move("admin", "return_in", shop.a, [{"product_id": shop.router, "quantity": "1"}],
              account_id=shop.customer)
    shop.move("keeper_a", "return_in", shop.a, [{"product_id": shop.router, "quantity": "1"}],
              account_id=shop.customer, status=422)  # the keeper cannot see the sales rep's customer
    shop.move("keeper_a", "return_out", shop.a, [{"product_id": shop.router, "quantity": "3"}],
              account_id=shop.supplier)
    assert shop.on_hand(shop.router, shop.a) == "8.0000"
    assert [r["name"] for r in ok(team["keeper_a"].get("/api/v1/accounts"))["data"]] == ["대한부품"]


def workbook(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_opening_balances_come_from_excel_all_or_nothing(team, shop):
    admin = team["admin"]
    ok(admin.patch(f"/api/v1/products/{shop.router}", json={"code": "R-1"}))
    bad = workbook([["제품코드", "창고", "수량", "단가"], ["R-1", "SEL", 5, 1000], ["NOPE", "SEL", 1, None],
                    ["R-1", "PUS", "many", None]])
    refused = admin.post("/api/v1/inventory/opening-balances", data={"file": (io.BytesIO(bad), "open.xlsx")},
                         headers={"Accept-Language": "ko"})
    assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"3행", "4행"}
    assert shop.stock() == []
    good = workbook([["품번", "창고코드", "재고수량"], ["R-1", "SEL", 5], ["R-1", "부산창고", 7]])
    docs = ok(admin.post("/api/v1/inventory/opening-balances", data={"file": (io.BytesIO(good), "open.xlsx")}), 201)
    assert sorted(d["kind"] for d in docs["data"]) == ["opening", "opening"]
    assert shop.on_hand(shop.router, shop.a) == "5.0000" and shop.on_hand(shop.router, shop.b) == "7.0000"
    garbage = admin.post("/api/v1/inventory/opening-balances", data={"file": (io.BytesIO(b"not excel"), "x.xlsx")})
    assert garbage.status_code == 422
    ok(team["keeper_a"].post("/api/v1/inventory/opening-balances",
                             data={"file": (io.BytesIO(good), "open.xlsx")}), 403)  # PUS is not theirs


def test_reports_follow_the_movements(team, shop):
    keeper = team["keeper_a"]
    shop.move("keeper_a", "receipt", shop.a, [{"product_id": shop.router, "quantity": "10"}])
    shop.move("keeper_a", "issue", shop.a, [{"product_id": shop.router, "quantity": "3"}])
    shop.move("keeper_a", "receipt", shop.a, [{"product_id": shop.switch, "quantity": "2"}])
    shop.move("keeper_a", "issue", shop.a, [{"product_id": shop.switch, "quantity": "2"}])
    today = ok(keeper.get("/api/v1/inventory/daily"))["data"][-1]
    assert (today["opening"], today["in"], today["out"], today["closing"]) == ("0.0000", "12.0000", "5.0000", "7.0000")
    assert [r["product_id"] for r in shop.stock()] == [shop.router]  # the switch is at 0: hidden
    assert {r["product_id"] for r in shop.stock(include_zero="true")} == {shop.router, shop.switch}
    assert shop.stock()[0]["value"] == "7000.00"
    value = ok(team["admin"].get("/api/v1/inventory/value"))["data"]
    assert [(v["warehouse"], v["value"]) for v in value] == [("서울창고", "7000.00")]
    value = ok(keeper.get("/api/v1/inventory/value"))["data"]  # the warehouse role does not see costs
    assert [(v["warehouse"], v["quantity"], v["value"]) for v in value] == [("서울창고", "7.0000", None)]
    month = ok(keeper.get("/api/v1/inventory/monthly"))["data"][dt.date.today().month - 1]
    assert (month["in"], month["out"]) == ("12.0000", "5.0000")
    ok(team["admin"].put(f"/api/v1/inventory/products/{shop.router}/stock",
                         json={"min_quantity": "10", "max_quantity": "50"}))
    limits = ok(keeper.get("/api/v1/inventory/limits"))
    assert [r["product_id"] for r in limits["below_minimum"]] == [shop.router] and limits["above_maximum"] == []
    bad = team["admin"].put(f"/api/v1/inventory/products/{shop.router}/stock",
                            json={"min_quantity": "10", "max_quantity": "5"})
    assert bad.status_code == 422 and "max_quantity" in bad.json["error"]["fields"]


def test_the_purchase_order_prints_as_html_pdf_and_xlsx(app, team, shop):
    po = po_with_lines(team, shop, [(shop.router, "3", "1000")])
    pdf = team["rep"].get(f"/api/v1/inventory/purchase-orders/{po}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = team["rep"].get(f"/api/v1/inventory/purchase-orders/{po}/xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "대한부품" in values and "공유기" in values
    page = logged_in(app, "rep@example.com").get(f"/inventory/purchase-orders/{po}/print")
    assert "발 주 서" in page.text and "공유기" in page.text
