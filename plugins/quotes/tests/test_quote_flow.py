"""Quotes: numbering, status flow, the expiry job, tabs with counts, from an opportunity, historical prices."""
from __future__ import annotations

import re
from decimal import Decimal

from core import clock
from core.jobs.worker import run_pending
from plugins.quotes.tests.conftest import ok
from tests.browser.support import logged_in


def test_number_defaults_and_validity(sales, frozen):
    quote = sales.quote(sales.account())
    assert re.fullmatch(r"Q-202611-\d{4}", quote["number"])
    assert (quote["status"], quote["quote_date"], quote["valid_until"]) == ("draft", "2026-11-02", "2026-12-02")
    assert quote["approval_status"] == "none"


def test_status_flow_and_refusals(sales, admin):
    ok(admin.put("/api/v1/quotes/settings", json={"approval_required": False}))
    quote = sales.quote(sales.account())
    url = f"/api/v1/quotes/{quote['id']}"
    assert ok(admin.patch(url, json={"status": "in_progress"}))["status"] == "in_progress"
    error = ok(admin.patch(url, json={"status": "expired"}), 422)["error"]
    assert "status" in error["fields"]
    assert ok(admin.patch(url, json={"status": "accepted"}))["status"] == "accepted"
    error = ok(admin.patch(url, json={"status": "in_progress"}), 422)["error"]
    assert "status" in error["fields"]
    assert sales.get(quote["id"])["status"] == "accepted"


def test_accepting_needs_approval_by_default(sales, admin):
    quote = sales.quote(sales.account(), status="in_progress")
    error = ok(admin.patch(f"/api/v1/quotes/{quote['id']}", json={"status": "accepted"}), 422)["error"]
    assert "status" in error["fields"]


def test_validity_before_quote_date_is_refused(sales):
    account = sales.account()
    error = ok(sales.api.post("/api/v1/quotes", json={"title": "x", "account_id": account, "quote_date": "2026-11-02",
                                                      "valid_until": "2026-11-01"}), 422)["error"]
    assert "valid_until" in error["fields"]


def test_expiry_job_sets_expired_after_the_validity_date(app, sales, frozen):
    account = sales.account()
    short = sales.quote(account, title="단기", valid_until="2026-11-03", status="in_progress")
    long = sales.quote(account, title="장기", valid_until="2026-12-31")
    clock.advance(days=1)
    run_pending(app)
    assert sales.get(short["id"])["status"] == "in_progress"  # valid through the 3rd
    clock.advance(days=1, hours=1)
    run_pending(app)
    assert sales.get(short["id"])["status"] == "expired"
    assert sales.get(long["id"])["status"] == "draft"
    history = ok(sales.api.get(f"/api/v1/quotes/{short['id']}/history"))["data"]
    assert history[-1]["changes"]["status"] == ["in_progress", "expired"]
    expired = ok(sales.api.get("/api/v1/quotes?status=expired"))["data"]
    assert [q["id"] for q in expired] == [short["id"]]
    # the next night's run is queued again
    clock.advance(days=1)
    sales.quote(account, title="다음", valid_until="2026-11-05", status="in_progress")
    clock.advance(days=2)
    run_pending(app)
    assert ok(sales.api.get("/api/v1/quotes?status=expired"))["meta"]["total"] == 2


def test_tabs_on_account_contact_and_opportunity_pages_with_counts(app, sales):
    account = sales.account("재근상사")
    contact = ok(sales.api.post("/api/v1/contacts", json={"name": "홍길동", "account_id": account}), 201)["id"]
    opp = ok(sales.api.post("/api/v1/opportunities", json={"title": "ERP", "account_id": account, "revenue_month": "2026-12-01"}), 201)["id"]
    sales.quote(account, contact_id=contact, opportunity_id=opp)
    sales.quote(account)
    browser = logged_in(app, "admin@example.com")
    for entity, record_id, count in (("accounts", account, 2), ("contacts", contact, 1), ("opportunities", opp, 1)):
        page = browser.get(f"/records/{entity}/{record_id}").text
        assert re.search(r'id="tab-rel-quotes-[^"]*"[^>]*>[^<]+<span class="count">%d</span>' % count, page), entity


def test_create_quote_from_opportunity_copies_line_items(sales):
    account = sales.account()
    product = sales.product("랙서버", "1000000")
    opp = ok(sales.api.post("/api/v1/opportunities", json={"title": "서버 교체", "account_id": account,
                                                                  "revenue_month": "2026-12-01"}), 201)["id"]
    ok(sales.api.post("/api/v1/opportunity_items", json={"opportunity_id": opp, "product_id": product,
                                                         "quantity": "3", "unit_price": "900000",
                                                         "options": "2U"}), 201)
    quote = ok(sales.api.post(f"/api/v1/quotes/from-opportunity/{opp}", json={}), 201)
    assert (quote["title"], quote["account_id"], quote["opportunity_id"]) == ("서버 교체", account, opp)
    assert (quote["supply_total"], quote["vat_total"], quote["total"]) == ("2700000.00", "270000.00", "2970000.00")
    lines = ok(sales.api.get(f"/api/v1/quote_lines?quote_id={quote['id']}"))["data"]
    assert [(ln["name"], ln["specification"], Decimal(ln["quantity"])) for ln in lines] == [("랙서버", "2U", 3)]


def test_historical_prices_for_the_customer(sales, team):
    account, other = sales.account("재근상사"), sales.account("뉴시스")
    product = sales.product("ERP영업관리", "5000000")
    first = sales.quote(account, quote_date="2026-01-10", valid_until="2026-02-10")
    sales.line(first["id"], product_id=product, unit_price="4800000")
    second = sales.quote(account, quote_date="2026-03-10", valid_until="2026-04-10")
    sales.line(second["id"], product_id=product, unit_price="4500000", discount="5")
    sales.line(sales.quote(other)["id"], product_id=product, unit_price="3000000")
    found = ok(sales.api.get(f"/api/v1/quotes/price-history?account_id={account}&product_id={product}"))["data"]
    assert [(r["number"], r["unit_price"], r["discount"]) for r in found] == \
        [(second["number"], "4500000.00", "5.00"), (first["number"], "4800000.00", "0.00")]
    # a colleague who cannot see these quotes gets no prices from them
    peer = team["peer"]
    assert ok(peer.get(f"/api/v1/quotes/price-history?account_id={account}&product_id={product}"))["data"] == []
    assert peer.get("/api/v1/quotes/price-history?account_id=x&product_id=1").status_code == 400


def test_quotes_export_through_the_generic_exporter(sales):
    import io

    from openpyxl import load_workbook

    quote = sales.quote(sales.account("재근상사"), title="=수식 아님", delivery_site="본사")
    sales.line(quote["id"], name="설치비", quantity="1", unit_price="1000000")
    response = sales.api.get("/api/v1/exports/quotes?scope=all&format=xlsx")
    assert response.status_code == 200
    values = [c for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True) for c in row]
    assert quote["number"] in values and "재근상사" in values and "본사" in values
    assert "'=수식 아님" in values or "=수식 아님" not in values
