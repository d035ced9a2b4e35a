"""A colleague without sharing gets 404 on every path to another rep's quote and order; superiors see them."""
from __future__ import annotations

from plugins.quotes.tests.conftest import ok
from tests.browser.support import logged_in


def test_colleague_gets_404_everywhere(app, team, approved):
    rep, make = approved
    quote = make(rep.account("비밀상사"))
    line = ok(rep.api.get(f"/api/v1/quote_lines?quote_id={quote['id']}"))["data"][0]
    order = ok(rep.api.post(f"/api/v1/quotes/{quote['id']}/order", json={}), 201)
    order_line = ok(rep.api.get(f"/api/v1/sales_order_lines?order_id={order['id']}"))["data"][0]
    peer = team["peer"]
    for url in (f"/api/v1/quotes/{quote['id']}", f"/api/v1/quote_lines/{line['id']}",
                f"/api/v1/sales_orders/{order['id']}", f"/api/v1/sales_order_lines/{order_line['id']}",
                f"/api/v1/quotes/{quote['id']}/pdf", f"/api/v1/quotes/{quote['id']}/xlsx",
                f"/api/v1/quotes/{quote['id']}/emails", f"/api/v1/quotes/{quote['id']}/history"):
        assert peer.get(url).status_code == 404, url
    for url, body in ((f"/api/v1/quotes/{quote['id']}/submit", {}), (f"/api/v1/quotes/{quote['id']}/withdraw", {}),
                      (f"/api/v1/quotes/{quote['id']}/order", {}), (f"/api/v1/quotes/{quote['id']}/send",
                                                                    {"to": ["x@example.com"]}),
                      (f"/api/v1/quotes/orders/{order['id']}/confirm", {}),
                      (f"/api/v1/quotes/order-lines/{order_line['id']}/ship", {"quantity": "1"})):
        assert peer.post(url, json=body).status_code == 404, url
    assert peer.patch(f"/api/v1/quote_lines/{line['id']}", json={"name": "x"}).status_code == 404
    for listing in ("quotes", "quote_lines", "sales_orders", "sales_order_lines"):
        assert ok(peer.get(f"/api/v1/{listing}"))["meta"]["total"] == 0, listing
    assert ok(peer.get("/api/v1/quotes/reports/per-customer"))["data"] == []
    assert ok(peer.get("/api/v1/quotes/reports/conversion"))["total"]["quotes"] == 0
    assert ok(peer.get("/api/v1/quotes/reports/quoted-products"))["data"] == []
    browser = logged_in(app, "peer@example.com")
    assert browser.get(f"/quotes/{quote['id']}/print").status_code == 404
    assert quote["number"] not in browser.get("/quotes/status").text
    # the manager above the rep sees all of it
    manager = team["manager"]
    assert manager.get(f"/api/v1/quotes/{quote['id']}/pdf").status_code == 200
    assert ok(manager.get(f"/api/v1/sales_orders/{order['id']}"))["id"] == order["id"]


def test_status_page_tabs_and_columns(app, sales, admin):
    ok(admin.put("/api/v1/quotes/settings", json={"approval_required": False}))
    account = sales.account("재근상사")
    sales.quote(account, title="진행건", status="in_progress", delivery_site="본사")
    cancelled = sales.quote(account, title="취소건")
    ok(admin.patch(f"/api/v1/quotes/{cancelled['id']}", json={"status": "cancelled"}))
    browser = logged_in(app, "admin@example.com")
    html = browser.get("/quotes/status").text
    assert 'data-tab="in_progress"' in html and 'data-tab="expired"' in html
    assert "진행건" in html and "취소건" in html and "본사" in html
    only = browser.get("/quotes/status?tab=cancelled").text
    assert "취소건" in only and "진행건" not in only
    assert browser.get("/quotes/reports").status_code == 200
    assert browser.get("/quotes/settings").status_code == 200
    assert logged_in(app, "admin@example.com").get("/").status_code == 200


def test_rep_cannot_open_settings_page(app, team):
    team["rep"]
    assert logged_in(app, "rep@example.com").get("/quotes/settings").status_code == 403
