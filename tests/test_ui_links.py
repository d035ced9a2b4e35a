"""Reference values are links wherever records are shown, and only to records the user can open."""
from __future__ import annotations

import re

from core.testing import make_user
from tests.browser.support import create, logged_in, visible_text


def links_to(html: str, entity: str, record_id: int) -> bool:
    return re.search(rf'href="/records/{entity}/{record_id}"', html) is not None


def deal_setup(crm_app_factory):
    app = crm_app_factory(plugins=["customers", "products", "opportunities"])
    make_user(app, "admin@example.com", admin=True, name="관리자")
    rep_id, _token = make_user(app, "rep@example.com", role="sales", name="영업 김")
    make_user(app, "rep2@example.com", role="sales", name="영업 이")
    mine = create(app, "accounts", {"name": "해동통신"}, "rep@example.com")
    theirs = create(app, "accounts", {"name": "비밀상사"}, "rep2@example.com")
    contact = create(app, "contacts", {"name": "홍길동", "account_id": mine["id"]}, "rep@example.com")
    deal = create(app, "opportunities", {"title": "교환기 교체", "account_id": mine["id"], "contact_id": contact["id"],
                                         "amount": "1000000", "revenue_month": "2026-12-01"},
                  "rep@example.com")
    # given to the rep by an administrator: the deal is the rep's, its customer is not
    hidden_deal = create(app, "opportunities", {"title": "남의 고객 거래", "account_id": theirs["id"],
                                                "revenue_month": "2026-12-01", "owner_id": rep_id})
    return app, mine, theirs, contact, deal, hidden_deal


def test_references_link_on_lists_detail_related_lists_search_and_360(crm_app_factory):
    app, mine, _theirs, contact, deal, _hidden = deal_setup(crm_app_factory)
    rep = logged_in(app, "rep@example.com")
    listing = rep.get("/records/opportunities").text
    assert links_to(listing, "accounts", mine["id"])
    detail = rep.get(f"/records/opportunities/{deal['id']}").text
    assert links_to(detail, "accounts", mine["id"]) and links_to(detail, "contacts", contact["id"])
    # the account's related lists: the contact's row links to the contact, the deal's to the deal
    account_page = rep.get(f"/records/accounts/{mine['id']}").text
    assert links_to(account_page, "contacts", contact["id"]) and links_to(account_page, "opportunities", deal["id"])
    assert f'/customers/accounts/{mine["id"]}/360' in account_page
    assert "/api/v1/" not in visible_text(account_page)
    overview = rep.get(f"/customers/accounts/{mine['id']}/360")
    assert overview.status_code == 200
    assert links_to(overview.text, "opportunities", deal["id"]) and links_to(overview.text, "contacts", contact["id"])
    found = rep.get("/search?q=홍길동").text
    assert links_to(found, "contacts", contact["id"]) and links_to(found, "accounts", mine["id"])


def test_account_name_column_links_to_the_record(crm_app_factory):
    app, mine, *_ = deal_setup(crm_app_factory)
    html = logged_in(app, "rep@example.com").get("/records/accounts").text
    assert re.search(rf'<a href="/records/accounts/{mine["id"]}">\s*해동통신\s*</a>', html)


def test_a_reference_the_user_cannot_see_is_neither_a_link_nor_named(crm_app_factory):
    app, _mine, theirs, _contact, _deal, hidden_deal = deal_setup(crm_app_factory)
    rep = logged_in(app, "rep@example.com")
    for url in (f"/records/opportunities/{hidden_deal['id']}", "/records/opportunities"):
        html = rep.get(url).text
        assert not links_to(html, "accounts", theirs["id"]) and "비밀상사" not in html, url
    assert "볼 권한이 없는 레코드" in rep.get(f"/records/opportunities/{hidden_deal['id']}").text
    assert rep.get(f"/records/accounts/{theirs['id']}").status_code == 404
    admin = logged_in(app, "admin@example.com")
    assert links_to(admin.get(f"/records/opportunities/{hidden_deal['id']}").text, "accounts", theirs["id"])


def test_a_reference_in_the_recycle_bin_is_named_but_not_linked(crm_app_factory):
    app, mine, _theirs, _contact, deal, _hidden = deal_setup(crm_app_factory)
    admin = logged_in(app, "admin@example.com")
    assert admin.post(f"/records/accounts/{mine['id']}/delete").status_code == 302
    html = admin.get(f"/records/opportunities/{deal['id']}").text
    assert "해동통신" in html and not links_to(html, "accounts", mine["id"])


def test_the_api_display_stays_plain_text(crm_app_factory):
    app, mine, _theirs, _contact, deal, _hidden = deal_setup(crm_app_factory)
    _uid, token = make_user(app, "api@example.com", admin=True)
    body = app.test_client().get(f"/api/v1/opportunities/{deal['id']}",
                                 headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["_display"]["account_id"] == "해동통신"



def test_a_row_titled_by_a_reference_still_links_to_itself(crm_app_factory):
    """A deal's line item is titled by its product: the product links to the product, the row to the item."""
    app, _mine, _theirs, _contact, deal, _hidden = deal_setup(crm_app_factory)
    product = create(app, "products", {"name": "교환기", "code": "PBX-1", "list_price": "100000"})
    item = create(app, "opportunity_items", {"opportunity_id": deal["id"], "product_id": product["id"],
                                             "unit_price": "100000", "quantity": "2"})
    html = logged_in(app, "admin@example.com").get(f"/records/opportunities/{deal['id']}").text
    assert links_to(html, "products", product["id"]) and links_to(html, "opportunity_items", item["id"])
    assert not re.search(r"<a [^>]*>[^<]*<a ", html)  # no link inside a link
