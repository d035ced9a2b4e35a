"""A visitor's submission becomes a lead with the form's source, a web-inquiry activity and an email to the handler."""
from __future__ import annotations

from core.jobs.worker import run_pending
from core.testing import ApiClient
from plugins.webforms.tests.conftest import GOOD


def test_submission_creates_the_lead_activity_and_notification(app, admin, visitor, handler, smtp_server):
    response = visitor.send(GOOD)
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    assert "문의 감사합니다." in response.get_data(as_text=True)
    mine = ApiClient(app.test_client(), handler[1])
    leads = mine.get("/api/v1/leads").json["data"]
    assert len(leads) == 1
    lead = leads[0]
    assert (lead["name"], lead["company"], lead["source"], lead["owner_id"]) == (
        "정하늘", "(주)하늘소프트", "web_form", handler[0])
    assert (lead["campaign"], lead["job_title"], lead["marketing_consent"]) == ("그룹웨어", "팀장", True)
    assert lead["consent_at"] is not None
    activities = mine.get("/api/v1/activities", query_string={"related_entity": "leads"}).json["data"]
    assert [a["subject"] for a in activities] == ["웹 문의: 제품 문의"]
    assert run_pending(app) >= 1
    [message] = smtp_server.messages
    assert message["To"] == "handler@example.com"
    assert "정하늘" in message["Subject"]
    assert "30인 그룹웨어" in message.get_content()
    stats = admin.get(f"/api/v1/webforms/{visitor.form['id']}/stats").json
    assert (stats["submissions"], stats["spam_refused"], stats["conversions"]) == (1, 0, 0)
    ok = mine.post(f"/api/v1/leads/{lead['id']}/convert", json={})
    assert ok.status_code == 201
    assert admin.get(f"/api/v1/webforms/{visitor.form['id']}/stats").json["conversions"] == 1


def test_field_errors_come_in_the_visitors_language(app, visitor):
    korean = visitor.send({**GOOD, "name": "", "email": "not-an-email"}, lang="ko", accept_json=True)
    assert korean.status_code == 422
    assert set(korean.json["error"]["fields"]) == {"name"}
    assert korean.json["error"]["fields"]["name"] == "필수 항목입니다."
    chinese = visitor.send({**GOOD, "email": "not-an-email"}, lang="zh-CN,zh;q=0.9", accept_json=True)
    assert chinese.status_code == 422 and "email" in chinese.json["error"]["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json["error"]["fields"]["email"])
    page = visitor.send({**GOOD, "campaign": "없는 제품"}, lang="en")
    assert page.status_code == 422
    assert "not an allowed value" in page.get_data(as_text=True)
    assert ApiClient(app.test_client(), "x").get("/api/v1/leads").status_code == 401


def test_assignment_rules_choose_the_owner_of_web_leads(app, admin, visitor, handler):
    from core.testing import make_user

    others = [make_user(app, f"rep{i}@example.com", role="sales")[0] for i in range(2)]
    assert admin.put("/api/v1/leads/assignment", json={"mode": "round_robin", "users": others}).status_code == 200
    for i in range(3):
        assert visitor.send({**GOOD, "email": f"p{i}@example.com", "mobile": ""}).status_code == 201
    owners = [lead["owner_id"] for lead in admin.get("/api/v1/leads", query_string={"sort": "id"}).json["data"]]
    assert owners == [others[0], others[1], others[0]]


def test_a_switched_off_form_answers_politely(app, admin, visitor):
    admin.put(f"/api/v1/webforms/{visitor.form['id']}", json={"active": False})
    page = visitor.client.get(visitor.url)
    assert page.status_code == 200 and "문의 감사" not in page.get_data(as_text=True)
    assert "<form" not in page.get_data(as_text=True)
    sent = visitor.send(GOOD, token="whatever")
    assert sent.status_code == 200
    assert admin.get("/api/v1/leads").json["data"] == []
    assert admin.get(f"/api/v1/webforms/{visitor.form['id']}/stats").json["counters"]["closed"] == 1


def test_redirect_instead_of_thank_you(app, admin, visitor):
    admin.put(f"/api/v1/webforms/{visitor.form['id']}", json={"redirect_url": "https://www.haedong.co.kr/thanks"})
    sent = visitor.send(GOOD)
    assert sent.status_code == 303 and sent.headers["Location"] == "https://www.haedong.co.kr/thanks"


def test_script_version_gets_a_token_and_cors_for_allowed_origins_only(app, visitor):
    allowed = visitor.client.get(visitor.url + "/token", headers={"Origin": "https://www.haedong.co.kr"})
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == "https://www.haedong.co.kr"
    other = visitor.client.get(visitor.url + "/token", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    sent = visitor.send(GOOD, token=allowed.json["token"], accept_json=True,
                        headers={"Origin": "https://www.haedong.co.kr"})
    assert sent.status_code == 201 and sent.json["ok"] is True
    assert sent.headers["Access-Control-Allow-Origin"] == "https://www.haedong.co.kr"
