"""In real Chromium: the Korean print view (screenshot), and the customer's earlier prices offered on the quote page."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.quotes.tests.conftest import PLUGINS, Sales, ok
from plugins.quotes.tests.test_output import COMPANY

pytestmark = pytest.mark.browser


def test_print_view_and_price_history(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS, language="ko")
    _uid, token = make_user(app, "admin@example.com", admin=True, name="관리자")
    admin = ApiClient(app.test_client(), token)
    sales = Sales(admin)
    ok(admin.put("/api/v1/quotes/company", json=COMPANY))
    account = sales.account("재근상사")
    erp = sales.product("ERP영업관리", "5000000", code="9998")
    earlier = sales.quote(account, title="지난 견적", quote_date="2026-01-10", valid_until="2026-02-10")
    sales.line(earlier["id"], product_id=erp, unit_price="4700000")
    quote = sales.quote(account, title="ERP 도입 견적", delivery_site="본사 3층 전산실")
    sales.line(quote["id"], product_id=erp, quantity="1")
    sales.line(quote["id"], name="ERP회계관리", item_code="1101099", specification="3유저", quantity="1",
               unit_price="5000000")
    sales.line(quote["id"], kind="subtotal", name="소계")
    sales.line(quote["id"], name="企业资源计划系统", specification="标准版", quantity="2", unit_price="1500000")
    for text in ("- 경영정보 무상제공", "- 무상유지보수기간 3개월"):
        sales.line(quote["id"], kind="text", name=text)
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page()
            page.set_viewport_size({"width": 1100, "height": 1400})
            log_in(page, server.url, "admin@example.com")
            page.goto(f"{server.url}/quotes/{quote['id']}/print")
            assert page.inner_text("#q-recipient").startswith("재근상사")
            assert page.inner_text("#q-words") == "일금 일천사백삼십만원정"
            assert "14,300,000" in page.inner_text("#q-total")
            rows = page.locator("#q-lines tbody tr")
            assert rows.count() == 6
            assert "소계" in rows.nth(2).inner_text() and "11,000,000" in rows.nth(2).inner_text()
            assert page.locator("#print-button").is_visible()
            screenshot(page, "quotes-print-view")

            # the quote page offers this customer's earlier price when a product is chosen for a new line
            page.goto(f"{server.url}/records/quotes/{quote['id']}")
            page.select_option("#quote-line-product", str(erp))
            page.wait_for_selector("#quote-price-history .price-history-item")
            page.click("#quote-price-history .price-history-item >> nth=0")
            assert page.input_value("#quote-line-price") in ("5000000.00", "4700000.00")
            screenshot(page, "quotes-record-page")
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()
