"""Reports: quotes per customer, conversion quote → order, quoted products per customer; the workbench widget."""
from __future__ import annotations

import base64
import io
import re

from PIL import Image

from plugins.quotes.tests.conftest import ok
from tests.browser.support import logged_in


def test_conversion_and_per_customer(approved, team):
    rep, make = approved
    first, second = rep.account("재근상사"), rep.account("뉴시스")
    ordered = make(first)
    make(first)
    rep.quote(second, quote_date=ordered["quote_date"])
    ok(rep.api.post(f"/api/v1/quotes/{ordered['id']}/order", json={}), 201)
    conversion = ok(rep.api.get("/api/v1/quotes/reports/conversion"))
    assert conversion["total"] == {"quotes": 3, "orders": 1, "rate": 33.3}
    per_customer = ok(rep.api.get("/api/v1/quotes/reports/per-customer"))["data"]
    assert [(r["account"], r["count"], r["accepted"], r["total"]) for r in per_customer] == \
        [("재근상사", 2, 2, "2200000.00"), ("뉴시스", 1, 0, "0.00")]
    assert rep.api.get("/api/v1/quotes/reports/conversion?date_from=yesterday").status_code == 400
    assert rep.api.get("/api/v1/quotes/reports/nothing").status_code == 404


def test_quoted_products_per_customer(sales):
    account = sales.account("재근상사")
    erp = sales.product("ERP영업관리", "5000000")
    for price in ("5000000", "4500000"):
        sales.line(sales.quote(account)["id"], product_id=erp, quantity="2", unit_price=price)
    rows = ok(sales.api.get(f"/api/v1/quotes/reports/quoted-products?account_id={account}"))["data"]
    assert [(r["product"], r["times"], r["supply_amount"]) for r in rows] == [("ERP영업관리", 2, "19000000.00")]


def test_workbench_shows_pending_approvals_to_the_approver_only(app, team):
    from plugins.quotes.tests.conftest import Sales

    rep = Sales(team["rep"])
    team["manager"], team["peer"]
    quote = rep.quote(rep.account(), status="in_progress", title="결재요청 견적")
    rep.line(quote["id"], name="설치비", quantity="1", unit_price="1000")
    rep.step(quote["id"], "submit")
    def widget(email):
        html = logged_in(app, email).get("/").text
        found = re.search(r'<ul class="quote-approvals">(.*?)</ul>', html, re.S)
        return found.group(1) if found else ""

    assert "결재요청 견적" in widget("manager@example.com")
    assert widget("rep@example.com") == "" and widget("peer@example.com") == ""


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_settings_page_saves_company_and_seal(app, admin, sales):
    browser = logged_in(app, "admin@example.com")
    assert browser.get("/quotes/settings").status_code == 200
    form = {"name": "(주)플러그씨알엠", "business_number": "220-81-12345",
            "representative": "김대표", "address": "서울", "phone": "", "fax": "", "email": "", "bank_account": "",
            "vat_rate": "10", "rounding": "per_document", "validity_days": "15", "approval_required": "on",
            "approval_threshold": "5000000", "approval_role": "director"}
    bad = browser.post("/quotes/settings", data={**form, "seal": (io.BytesIO(b"not an image"), "seal.png")})
    assert bad.status_code == 302
    assert ok(admin.get("/api/v1/quotes/settings"))["settings"]["rounding"] == "per_line"  # nothing saved
    browser.post("/quotes/settings", data={**form, "seal": (io.BytesIO(png()), "seal.png")})
    saved = ok(admin.get("/api/v1/quotes/settings"))
    assert (saved["settings"]["rounding"], saved["settings"]["validity_days"]) == ("per_document", 15)
    assert saved["company"]["business_number"] == "220-81-12345"
    quote = sales.quote(sales.account())
    html = browser.get(f"/quotes/{quote['id']}/print").text
    assert 'class="seal" src="data:image/png;base64,' + base64.b64encode(png()).decode()[:20] in html


def test_quotes_per_customer_links_the_accounts_the_user_may_open_and_names_no_other(app, team, sales):
    """A rep's quote for a customer only the admin may see counts, but neither its name nor a link (404) shows."""
    from plugins.quotes.tests.conftest import Sales

    rep = Sales(team["rep"])
    own, private = rep.account("재근상사"), sales.account("비밀상사")
    rep.quote(own)
    sales.quote(private, owner_id=team.ids["rep"])
    make_table = lambda html: html[html.index('id="per-customer-table"'):html.index("</table>", html.index('id="per-customer-table"'))]  # noqa: E731
    admin_table = make_table(logged_in(app, "admin@example.com").get("/quotes/reports").text)
    for account, name in ((own, "재근상사"), (private, "비밀상사")):
        assert f'<a href="/records/accounts/{account}" class="ref-link">{name}</a>' in admin_table
    rep_table = make_table(logged_in(app, "rep@example.com").get("/quotes/reports").text)
    assert f'href="/records/accounts/{own}"' in rep_table
    assert f"/records/accounts/{private}" not in rep_table and "비밀상사" not in rep_table
    assert "볼 권한이 없는 레코드" in rep_table  # "a record that you cannot see"
    data = ok(rep.api.get("/api/v1/quotes/reports/per-customer"))["data"]
    assert sorted((r["account_id"], r["account"]) for r in data) == sorted([(own, "재근상사"), (private, None)])
