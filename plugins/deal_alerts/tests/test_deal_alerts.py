"""Deal alerts end to end: settings through the API, one email per big deal over real SMTP, in Korean."""
from __future__ import annotations

import pytest

from core.jobs.worker import run_pending
from core.testing import ApiClient, make_user

PLUGINS = ["customers", "workflows", "deal_alerts"]


@pytest.fixture
def app(crm_app_factory, smtp_server, crm_clock):
    return crm_app_factory(plugins=PLUGINS, smtp=smtp_server.settings())


@pytest.fixture
def api(app):
    _uid, token = make_user(app, "admin@example.com", admin=True, name="관리자")
    client = ApiClient(app.test_client(), token)
    response = client.post("/api/v1/meta/entities/accounts/fields",
                           json={"name": "deal_size", "label": "거래 규모", "type": "money"})
    assert response.status_code == 201, response.get_json()
    return client


def configure(api, **settings):
    body = {"entity": "accounts", "field": "cf_deal_size", "threshold": "10,000,000",
            "recipients": {"addresses": ["sales-team@example.com"], "roles": ["director"]}}
    body.update(settings)
    return api._call("PUT", "/api/v1/deal_alerts/config", json=body)


def account(api, name, size):
    response = api.post("/api/v1/accounts", json={"name": name, "cf_deal_size": size})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_big_account_sends_exactly_one_korean_email_with_its_merge_fields(app, api, smtp_server):
    make_user(app, "director@example.com", role="director", name="이사")
    response = configure(api)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["threshold"] == "10000000.00"
    account(api, "작은상사", "9,999,999")
    big = account(api, "해동통신", "50,000,000")
    assert run_pending(app) == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[대형 거래] 해동통신: 50,000,000"
    assert sorted(a.strip() for a in message["To"].split(",")) == ["director@example.com",
                                                                    "sales-team@example.com"]
    body = message.get_content()
    assert "대형 거래가 등록되었습니다." in body
    assert "고객사: 해동통신" in body and "금액: 50,000,000" in body
    assert "담당자: 관리자" in body and "기준 금액: 10,000,000" in body
    api.patch(f"/api/v1/accounts/{big['id']}", json={"cf_deal_size": "70000000"})
    api.patch(f"/api/v1/accounts/{big['id']}", json={"cf_deal_size": "1000"})
    api.patch(f"/api/v1/accounts/{big['id']}", json={"cf_deal_size": "90000000"})
    assert run_pending(app) == 0
    assert len(smtp_server.messages) == 1


def test_a_deal_raised_above_the_threshold_alerts_once(app, api, smtp_server):
    assert configure(api, recipients={"owner": True}).status_code == 200
    small = account(api, "성장상사", "3000000")
    assert run_pending(app) == 0
    api.patch(f"/api/v1/accounts/{small['id']}", json={"name": "성장상사(주)"})
    assert run_pending(app) == 0
    api.patch(f"/api/v1/accounts/{small['id']}", json={"cf_deal_size": "12000000"})
    assert run_pending(app) == 1
    [message] = smtp_server.messages
    assert message["To"] == "admin@example.com" and "성장상사(주)" in message["Subject"]


def test_smtp_down_retries_and_delivers_when_it_is_back(app, api, smtp_server, crm_clock):
    assert configure(api).status_code == 200
    smtp_server.stop()
    account(api, "해동통신", "50000000")
    assert run_pending(app) == 1
    from core.db import session
    from core.jobs import Job

    with app.app_context():
        [job] = session().query(Job).filter(Job.type == "core.email").all()
        assert job.status == "failed" and job.attempts == 1 and "Connection refused" in job.last_error
    smtp_server.start()
    crm_clock.advance(seconds=9)
    assert run_pending(app) == 0  # backoff not over
    crm_clock.advance(seconds=1)
    assert run_pending(app) == 1
    assert len(smtp_server.messages) == 1 and "해동통신" in smtp_server.messages[0]["Subject"]


@pytest.mark.parametrize("settings, key, message", [
    ({"field": "name"}, "field", "금액 필드"),
    ({"field": "cf_nope"}, "field", "cf_deal_size"),
    ({"entity": "ships"}, "entity", "감시할"),
    ({"threshold": "-5"}, "threshold", "0보다 큰"),
    ({"threshold": "lots"}, "threshold", "0보다 큰"),
    ({"recipients": {"roles": ["pilot"]}}, "recipients", "pilot"),
    ({"recipients": {}}, "recipients", "받는 사람"),
    ({"subject": "{{ record.name"}, "subject", "템플릿"),
    ({"colour": "red"}, "colour", "알 수 없는 설정"),
])
def test_bad_settings_are_refused_in_korean_and_change_nothing(api, settings, key, message):
    response = configure(api, **settings)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert message in fields[key], fields
    assert api.get("/api/v1/deal_alerts/config").get_json()["configured"] is False
    assert api.get("/api/v1/workflows/").get_json()["data"] == []


def test_only_administrators_change_alerts(app, api):
    _uid, token = make_user(app, "rep@example.com", role="sales")
    rep = ApiClient(app.test_client(), token)
    assert rep.get("/api/v1/deal_alerts/config").status_code == 403
    assert rep._call("PUT", "/api/v1/deal_alerts/config", json={"threshold": "1"}).status_code == 403


def test_switching_off_keeps_settings_and_stops_alerts(app, api, smtp_server):
    assert configure(api).status_code == 200
    off = api._call("PATCH", "/api/v1/deal_alerts/config", json={"active": False}).get_json()
    assert off["active"] is False and off["threshold"] == "10000000.00"
    account(api, "해동통신", "50000000")
    assert run_pending(app) == 0 and smtp_server.messages == []


def test_with_opportunities_the_alert_watches_the_deal_amount_by_default(crm_app_factory, smtp_server, crm_clock):
    app = crm_app_factory(plugins=["customers", "products", "opportunities", "workflows", "deal_alerts"],
                          smtp=smtp_server.settings())
    api = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True, name="관리자")[1])
    defaults = api.get("/api/v1/deal_alerts/config").get_json()
    assert (defaults["configured"], defaults["entity"], defaults["field"]) == (False, "opportunities", "amount")
    response = api._call("PUT", "/api/v1/deal_alerts/config",
                         json={"threshold": "10000000", "recipients": {"addresses": ["team@example.com"]}})
    assert response.status_code == 200, response.get_json()
    for title, amount in (("서버 교체", "8000000"), ("전사 ERP 구축", "250000000")):
        created = api.post("/api/v1/opportunities", json={"title": title, "amount": amount,
                                                          "revenue_month": "2026-06-01"})
        assert created.status_code == 201, created.get_json()
    assert run_pending(app) == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[대형 거래] 전사 ERP 구축: 250,000,000"
    assert "영업기회: 전사 ERP 구축" in message.get_content()


def test_disabling_the_plugin_pauses_its_alert_and_enabling_it_resumes(crm_app_factory, smtp_server, crm_clock):
    """``plugins disable deal_alerts`` + restart: its workflow is kept, shown paused, and sends nothing."""
    enabled = crm_app_factory(plugins=PLUGINS, smtp=smtp_server.settings())
    _uid, token = make_user(enabled, "admin@example.com", admin=True, name="관리자")
    api = ApiClient(enabled.test_client(), token)
    assert api.post("/api/v1/meta/entities/accounts/fields",
                    json={"name": "deal_size", "label": "거래 규모", "type": "money"}).status_code == 201
    assert configure(api).status_code == 200

    disabled = crm_app_factory(plugins=["customers", "workflows"], smtp=smtp_server.settings())
    api = ApiClient(disabled.test_client(), token)
    account(api, "해동통신", "50,000,000")
    assert run_pending(disabled) == 0 and smtp_server.messages == []
    [paused] = api.get("/api/v1/workflows/").get_json()["data"]
    assert (paused["active"], paused["status"], paused["plugin"]) == (True, "paused", "deal_alerts")
    assert "Deal alerts" in paused["paused_reason"]

    again = crm_app_factory(plugins=PLUGINS, smtp=smtp_server.settings())
    api = ApiClient(again.test_client(), token)
    account(api, "대한물산", "60,000,000")
    assert run_pending(again) == 1
    [message] = smtp_server.messages
    assert "대한물산" in message["Subject"]
    [resumed] = api.get("/api/v1/workflows/").get_json()["data"]
    assert (resumed["status"], resumed["paused_reason"]) == ("active", None)
