"""A Korean sales rep on a deal gets to the customer and its 360° view by clicks only (Chromium, ko-KR)."""
from __future__ import annotations

import pytest

from core.testing import make_user
from core.testing_browser import LiveServer, log_in, screenshot
from tests.browser.support import create

pytestmark = pytest.mark.browser


@pytest.fixture
def sales_app(crm_app_factory):
    app = crm_app_factory(plugins=["customers", "products", "opportunities"], language="ko")
    make_user(app, "rep@example.com", role="sales", name="김민수")
    account = create(app, "accounts", {"name": "(주)해동통신", "status": "vip"}, "rep@example.com")
    create(app, "contacts", {"name": "홍길동", "account_id": account["id"]}, "rep@example.com")
    create(app, "opportunities", {"title": "교환기 교체", "account_id": account["id"], "amount": "11594000",
                                  "revenue_month": "2026-12-01"}, "rep@example.com")
    return app


def test_deal_to_customer_to_360_by_clicks_only(sales_app, chromium):
    from playwright.sync_api import expect

    with LiveServer(sales_app) as server:
        context = chromium.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        page = context.new_page()
        try:
            log_in(page, server.url, "rep@example.com")
            # the grouped menu: 영업 > 영업기회
            page.locator("nav [data-menu-group=sales] a[data-menu=opportunities]").click()
            expect(page.locator("h1")).to_have_text("영업기회")
            screenshot(page, "links-1-deal-list")
            page.get_by_role("link", name="교환기 교체").click()
            expect(page.locator("#record-title")).to_have_text("교환기 교체")
            screenshot(page, "links-2-deal")
            # the deal's customer is a link
            page.locator("[data-field=account_id] a.ref-link").click()
            expect(page.locator("#record-title")).to_have_text("(주)해동통신")
            screenshot(page, "links-3-customer")
            page.locator("#open-360").click()
            expect(page.locator("h1")).to_contain_text("(주)해동통신")
            section = page.locator("[data-section=opportunities]")
            expect(section).to_contain_text("교환기 교체")
            expect(page.locator("[data-section=contacts]")).to_contain_text("홍길동")
            expect(page.locator("body")).not_to_contain_text("/api/v1")
            screenshot(page, "links-4-customer-360")
            # and back to the deal from the 360° view
            section.get_by_role("link", name="교환기 교체").click()
            expect(page.locator("#record-title")).to_have_text("교환기 교체")
            assert page.locator("html").get_attribute("lang") == "ko"
        finally:
            context.close()
