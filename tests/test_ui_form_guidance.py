"""Forms guide and never drop input: help texts, conditional fields, month inputs, unresolved references,
delete with confirmation and undo; the metadata API shows help texts and hides hidden fields."""
from __future__ import annotations

import re

from core.testing import make_user
from tests.browser.support import create, logged_in

PLUGINS = ["customers", "products", "opportunities"]


def setup(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS)
    make_user(app, "admin@example.com", admin=True, name="관리자")
    account = create(app, "accounts", {"name": "해동통신"})
    return app, account, logged_in(app, "admin@example.com")


def field_box(html: str, name: str) -> str:
    return re.search(rf'(?s)<div class="form-field[^"]*" data-field="{name}".*?</div>\s*</div>|'
                     rf'(?s)<div class="form-field[^"]*" data-field="{name}".*?(?=<div class="form-field)', html).group(0)


def test_help_texts_conditional_fields_and_month_inputs_on_the_form(crm_app_factory):
    app, _account, admin = setup(crm_app_factory)
    deal_form = admin.get("/records/opportunities/new").text
    assert "계획된 달" in deal_form or 'id="help-revenue_month"' in deal_form
    assert re.search(r'<input id="f-revenue_month" type="month"', deal_form)
    lost = re.search(r'data-field="lost_reason" data-show-when="stage" data-show-values="([^"]*)"', deal_form)
    assert lost and "lost" in lost.group(1) and "won" not in lost.group(1)
    account_form = admin.get("/records/accounts/new").text
    assert re.search(r'data-field="heat_level" data-show-when="is_hot" data-show-values="\[true\]"', account_form)
    assert 'id="help-heat_level"' in account_form


def test_a_month_is_stored_as_its_first_day_and_shown_as_a_month(crm_app_factory):
    app, account, admin = setup(crm_app_factory)
    response = admin.post("/records/opportunities/new", {
        "_fields": ["title", "account_id", "revenue_month", "billing_method"], "title": "교환기",
        "account_id": str(account["id"]), "account_id__text": "해동통신", "revenue_month": "2027-03",
        "billing_method": "lump_sum"})
    assert response.status_code == 302, response.text
    page = admin.get(response.headers["Location"]).text
    assert "2027년 3월" in page
    edit = admin.get(response.headers["Location"] + "/edit").text
    assert 'value="2027-03"' in edit


def test_text_typed_in_a_reference_without_picking_is_an_error_not_dropped(crm_app_factory):
    app, _account, admin = setup(crm_app_factory)
    response = admin.post("/records/contacts/new", {"_fields": ["name", "account_id"], "name": "홍길동",
                                                    "account_id": "", "account_id__text": "없는회사"})
    assert response.status_code == 422
    assert "“없는회사”은(는) 제안 목록에 없습니다" in response.text
    assert 'value="없는회사"' in response.text  # what was typed stays in the form
    assert "홍길동" not in admin.get("/records/contacts").text  # nothing was saved


def test_delete_asks_first_and_can_be_undone(crm_app_factory):
    app, account, admin = setup(crm_app_factory)
    page = admin.get(f"/records/accounts/{account['id']}").text
    assert 'data-confirm-dialog="delete-dialog"' in page and "휴지통으로 옮길까요" in page
    response = admin.post(f"/records/accounts/{account['id']}/delete")
    assert response.status_code == 302
    listing = admin.get(response.headers["Location"]).text
    undo = re.search(r'<form method="post" action="([^"]+)" class="undo-form">', listing)
    assert undo and "되돌리기" in listing
    restored = admin.post(undo.group(1), {"back": "record"})
    assert restored.headers["Location"].endswith(f"/records/accounts/{account['id']}")
    assert admin.get(f"/records/accounts/{account['id']}").status_code == 200


def test_meta_shows_help_and_conditions_and_hides_hidden_fields(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS)
    _admin_id, admin_token = make_user(app, "admin@example.com", admin=True)
    _rep_id, rep_token = make_user(app, "rep@example.com", role="sales")
    client = app.test_client()

    def fields(token, entity):
        body = client.get(f"/api/v1/meta/entities/{entity}", headers={"Authorization": f"Bearer {token}"}).get_json()
        return {f["name"]: f for f in body["fields"]}

    deal = fields(admin_token, "opportunities")
    assert deal["revenue_month"]["help"] and deal["revenue_month"]["month"] is True
    assert deal["lost_reason"]["show_when"]["field"] == "stage" and "lost" in deal["lost_reason"]["show_when"]["values"]
    assert "cost_total" in deal
    assert "cost_total" not in fields(rep_token, "opportunities")  # the cost right is not the sales rep's
    assert "unit_cost" not in fields(rep_token, "opportunity_items")
