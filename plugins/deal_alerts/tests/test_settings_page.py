"""The deal-alert settings page: configured there, a big deal alerts exactly once; errors in the user's language."""
from __future__ import annotations

import re

import pytest

from core.jobs.worker import run_pending
from core.testing import ApiClient, make_user
from tests.browser.support import Browser

PLUGINS = ["customers", "products", "opportunities", "workflows", "deal_alerts"]


@pytest.fixture
def app(crm_app_factory, smtp_server, crm_clock):
    return crm_app_factory(plugins=PLUGINS, smtp=smtp_server.settings())


@pytest.fixture
def admin(app):
    make_user(app, "admin@example.com", admin=True, name="관리자")
    return Browser(app).login("admin@example.com")


def test_configured_from_its_page_a_big_deal_alerts_once(app, admin, smtp_server):
    page = admin.get("/deal_alerts/?lang=ko").get_data(as_text=True)
    assert 'id="deal-alerts-empty"' in page and "(KRW)" in page and "영업기회 · 금액" in page
    assert "/deal_alerts/" in admin.get("/workflows/").get_data(as_text=True)  # in the administrators' menu
    manager_id, _token = make_user(app, "boss@example.com", role="director", name="이사")
    response = admin.post("/deal_alerts/", {"active": "1", "target": "opportunities.amount",
                                            "threshold": "50,000,000", "owner": "1",
                                            "roles": "director", "addresses": "sales@example.com"})
    assert response.status_code == 302, response.get_data(as_text=True)
    shown = admin.get("/deal_alerts/?lang=ko").get_data(as_text=True)
    assert 'value="50,000,000"' in shown and "deal-alerts-empty" not in shown
    workflow_url = re.search(r'href="(/workflows/\d+)"', shown).group(1)
    assert 'id="plugin-settings" href="/deal_alerts/"' in admin.get(workflow_url).get_data(as_text=True)
    token = make_user(app, "rep@example.com", role="sales", name="영업")[1]
    rep = ApiClient(app.test_client(), token)
    for title, amount in (("작은 거래", "10000000"), ("큰 거래", "60000000")):
        created = rep.post("/api/v1/opportunities", json={"title": title, "amount": amount,
                                                          "revenue_month": "2026-12-01"})
        assert created.status_code == 201, created.get_json()
    big = created.get_json()
    rep.patch(f"/api/v1/opportunities/{big['id']}", json={"amount": "70000000"})
    assert run_pending(app) == 1
    [message] = smtp_server.messages
    assert "큰 거래" in message["Subject"]
    assert sorted(a.strip() for a in message["To"].split(",")) == ["boss@example.com", "rep@example.com",
                                                                    "sales@example.com"]


def test_bad_settings_are_refused_in_the_users_language(app, admin):
    response = admin.post("/deal_alerts/?lang=ko", {"active": "1", "target": "opportunities.amount",
                                                    "threshold": "-5", "owner": "1"})
    assert response.status_code == 422
    assert "0보다 큰 금액을 입력해 주세요" in response.get_data(as_text=True)
    assert 'id="deal-alerts-empty"' in admin.get("/deal_alerts/").get_data(as_text=True)
    nobody = admin.post("/deal_alerts/?lang=ko", {"active": "1", "target": "opportunities.amount",
                                                  "threshold": "1000"})
    assert nobody.status_code == 422 and 'data-error="recipients"' in nobody.get_data(as_text=True)


def test_the_page_is_for_administrators_with_csrf(app, admin):
    assert admin.post("/deal_alerts/", {"threshold": "1000", "owner": "1"}, csrf=False).status_code == 400
    make_user(app, "rep@example.com", role="sales")
    rep = Browser(app).login("rep@example.com")
    assert rep.get("/deal_alerts/").status_code == 403
    assert rep.post("/deal_alerts/", {"threshold": "1000", "owner": "1",
                                      "target": "opportunities.amount"}).status_code == 403
