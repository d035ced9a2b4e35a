"""In real Chromium: a purchase order is received into a warehouse and confirmed by its keeper, goods are
issued against a sales order, and the stock list and the daily report change with them (screenshots)."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.inventory.tests.conftest import PLUGINS, ok

pytestmark = pytest.mark.browser


def stock_row(page, product_id) -> str:
    return page.inner_text(f"#stock-list tr[data-product='{product_id}'] .qty")


def today_row(page):
    return page.locator("#daily-report tbody tr").last


def test_receive_a_po_issue_against_an_order_and_watch_the_stock(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS, language="ko")
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True, name="관리자")[1])
    house = ok(admin.post("/api/v1/warehouses", json={"name": "본사창고", "code": "HQ"}), 201)["id"]
    supplier = ok(admin.post("/api/v1/accounts", json={"name": "대한부품(주)", "is_supplier": True}), 201)["id"]
    customer = ok(admin.post("/api/v1/accounts", json={"name": "해동통신"}), 201)["id"]
    router = ok(admin.post("/api/v1/products", json={"name": "공유기", "model": "AX-3000", "cost": "30000",
                                                      "list_price": "50000"}), 201)["id"]
    po = ok(admin.post("/api/v1/purchase_orders", json={"supplier_id": supplier, "warehouse_id": house}), 201)["id"]
    ok(admin.post("/api/v1/purchase_order_lines", json={"order_id": po, "product_id": router, "quantity": "10",
                                                        "unit_price": "30000"}), 201)
    ok(admin.post(f"/api/v1/inventory/purchase-orders/{po}/order"))
    order = ok(admin.post("/api/v1/sales_orders", json={"title": "공유기 납품", "account_id": customer}), 201)["id"]
    ok(admin.post("/api/v1/sales_order_lines", json={"order_id": order, "product_id": router, "quantity": "4",
                                                     "unit_price": "50000"}), 201)
    ok(admin.post(f"/api/v1/quotes/orders/{order}/confirm", json={}))

    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page()
            page.set_viewport_size({"width": 1280, "height": 1000})
            log_in(page, server.url, "admin@example.com")

            # the purchase order: receive into the warehouse (a receipt for the keeper to confirm)
            page.goto(f"{server.url}/records/purchase_orders/{po}")
            page.select_option("#po-warehouse", str(house))
            page.click("#po-receive")
            screenshot(page, "inventory-po-received")
            page.goto(f"{server.url}/inventory/documents")
            page.click("#awaiting .post-document")
            assert page.locator("#awaiting .post-document").count() == 0
            assert "GR-" in page.inner_text("#recent-documents")
            page.goto(f"{server.url}/inventory/stock")
            assert stock_row(page, router) == "10"
            screenshot(page, "inventory-stock-after-receipt")
            page.goto(f"{server.url}/inventory/daily")
            cells = today_row(page)
            assert cells.locator(".in").inner_text() == "10" and cells.locator(".closing").inner_text() == "10"

            # the sales order: an outbound order, shipped in part by the keeper
            page.goto(f"{server.url}/records/sales_orders/{order}")
            page.select_option("#outbound-warehouse", str(house))
            page.click("#outbound-create")
            assert "GI-" in page.inner_text("#outbound-documents")
            screenshot(page, "inventory-sales-order-outbound")
            page.goto(f"{server.url}/inventory/documents")
            page.fill("#awaiting input[name^='qty_']", "3")
            page.click("#awaiting .post-document")
            page.goto(f"{server.url}/inventory/stock")
            assert stock_row(page, router) == "7"
            screenshot(page, "inventory-stock-after-issue")
            page.goto(f"{server.url}/inventory/daily")
            cells = today_row(page)
            assert (cells.locator(".in").inner_text(), cells.locator(".out").inner_text(),
                    cells.locator(".closing").inner_text()) == ("10", "3", "7")
            screenshot(page, "inventory-daily-report")
            lines = ok(admin.get("/api/v1/sales_order_lines", query_string={"order_id": order}))["data"]
            assert lines[0]["shipped_quantity"].startswith("3") and lines[0]["remaining_quantity"].startswith("1")

            page.goto(f"{server.url}/inventory/charts")
            page.wait_for_selector("#monthly-chart")
            screenshot(page, "inventory-charts")
            page.goto(f"{server.url}/inventory/purchase-orders/{po}/print")
            assert "대한부품(주)" in page.inner_text("#po-supplier")
            screenshot(page, "inventory-po-print")
            page.goto(f"{server.url}/")
            screenshot(page, "inventory-workbench")
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()
