"""Converting a lead: account + contact + opportunity in one transaction, related records follow, all or nothing."""
from __future__ import annotations

import io
import re

from plugins.leads.tests.conftest import ok


def lead_with_history(api):
    lead = ok(api.post("/api/v1/leads", json={
        "name": "배수진", "company": "수진디자인", "job_title": "대표", "mobile": "010-2345-6703",
        "phone": "02-555-0101", "email": "sujin@sujindesign.kr", "source": "web_form", "campaign": "봄 캠페인",
        "description": "연내 도입 예산 확보"}), 201)
    ok(api.post(f"/api/v1/leads/{lead['id']}/notes", json={"body": "첫 통화: 30인 규모"}), 201)
    ok(api.post("/api/v1/activities", json={"subject": "견적 설명 전화", "type": "call",
                                           "related_entity": "leads", "related_id": lead["id"]}), 201)
    upload = api.client.post(f"/api/v1/leads/{lead['id']}/attachments",
                             data={"file": (io.BytesIO(b"hello"), "request.txt")},
                             headers={"Authorization": f"Bearer {api.token}"}, content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    return lead


def counts(api) -> dict:
    return {name: ok(api.get(f"/api/v1/{name}"))["meta"]["total"] for name in ("accounts", "contacts", "opportunities")}


def test_convert_creates_account_contact_and_deal_and_moves_history(team):
    rep = team["rep"]
    lead = lead_with_history(rep)
    result = ok(rep.post(f"/api/v1/leads/{lead['id']}/convert",
                         json={"create_opportunity": True, "opportunity": {"amount": "3000000", "revenue_month": "2026-12-01"}}), 201)
    account = ok(rep.get(f"/api/v1/accounts/{result['account_id']}"))
    contact = ok(rep.get(f"/api/v1/contacts/{result['contact_id']}"))
    deal = ok(rep.get(f"/api/v1/opportunities/{result['opportunity_id']}"))
    assert (account["name"], account["email"], account["source"]) == ("수진디자인", "sujin@sujindesign.kr", "web_form")
    assert (contact["name"], contact["job_title"], contact["account_id"]) == ("배수진", "대표", account["id"])
    assert contact["mobile"] == "010-2345-6703" and contact["direct_line"] == "02-555-0101"
    assert (deal["title"], deal["campaign"], deal["account_id"], deal["contact_id"]) == (
        "수진디자인", "봄 캠페인", account["id"], contact["id"])
    assert float(deal["amount"]) == 3000000
    converted = result["lead"]
    assert converted["status"] == "converted" and converted["converted_at"]
    assert (converted["converted_account_id"], converted["converted_contact_id"],
            converted["converted_opportunity_id"]) == (account["id"], contact["id"], deal["id"])
    assert [n["body"] for n in ok(rep.get(f"/api/v1/accounts/{account['id']}/notes"))["data"]] == ["첫 통화: 30인 규모"]
    assert ok(rep.get(f"/api/v1/leads/{lead['id']}/notes"))["data"] == []
    assert [a["filename"] for a in ok(rep.get(f"/api/v1/accounts/{account['id']}/attachments"))["data"]] == [
        "request.txt"]
    activities = ok(rep.get("/api/v1/activities", query_string={"account_id": account["id"]}))["data"]
    assert [(a["subject"], a["related_entity"], a["contact_id"]) for a in activities] == [
        ("견적 설명 전화", "accounts", contact["id"])]


def test_converted_lead_is_read_only(team):
    rep = team["rep"]
    lead = lead_with_history(rep)
    ok(rep.post(f"/api/v1/leads/{lead['id']}/convert", json={}), 201)
    refused = rep.patch(f"/api/v1/leads/{lead['id']}", json={"description": "바꿔 보기"})
    assert refused.status_code == 422
    again = rep.post(f"/api/v1/leads/{lead['id']}/convert", json={})
    assert again.status_code == 422
    assert counts(rep)["accounts"] == 1


def test_a_failing_mapping_leaves_nothing_half_converted(team):
    admin, rep = team["admin"], team["rep"]
    # lead source "web_form" is not an opportunity source: the third create fails after two succeeded
    ok(admin.put("/api/v1/leads/mapping", json={"opportunities": {"title": "company", "source": "source"}}))
    lead = lead_with_history(rep)
    before = counts(admin)
    refused = rep.post(f"/api/v1/leads/{lead['id']}/convert",
                          json={"create_opportunity": True, "opportunity": {"revenue_month": "2026-12-01"}})
    assert refused.status_code == 422, refused.json
    assert "opportunity.source" in refused.json["error"]["fields"]
    assert counts(admin) == before
    after = ok(rep.get(f"/api/v1/leads/{lead['id']}"))
    assert after["status"] == "new" and after["converted_at"] is None and after["version"] == lead["version"]
    assert len(ok(rep.get(f"/api/v1/leads/{lead['id']}/notes"))["data"]) == 1
    assert len(ok(rep.get(f"/api/v1/leads/{lead['id']}/attachments"))["data"]) == 1


def test_mapping_is_checked_when_saved(team):
    admin = team["admin"]
    bad = admin.put("/api/v1/leads/mapping", json={"accounts": {"nonsense": "company", "name": "nothing"}})
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"accounts.nonsense", "accounts.name"}
    assert ok(admin.get("/api/v1/leads/mapping"))["accounts"]["name"] == "company"
    assert team["rep"].get("/api/v1/leads/mapping").status_code == 403


def test_duplicate_account_warns_and_confirm_goes_ahead(team):
    rep = team["rep"]
    ok(rep.post("/api/v1/accounts", json={"name": "수진디자인"}), 201)
    lead = ok(rep.post("/api/v1/leads", json={"name": "배수진", "company": "수진 디자인"}), 201)
    warned = rep.post(f"/api/v1/leads/{lead['id']}/convert", json={})
    assert warned.status_code == 409 and warned.json["error"]["code"] == "duplicate_warning"
    assert counts(rep)["contacts"] == 0
    ok(rep.post(f"/api/v1/leads/{lead['id']}/convert", json={"confirm_duplicate": True}), 201)
    assert counts(rep)["accounts"] == 2


def test_a_colleague_cannot_convert_my_lead(team):
    lead = ok(team["rep"].post("/api/v1/leads", json={"name": "배수진", "company": "수진디자인"}), 201)
    assert team["peer"].post(f"/api/v1/leads/{lead['id']}/convert", json={}).status_code == 404
    assert team["nobody"].post(f"/api/v1/leads/{lead['id']}/convert", json={}).status_code in (403, 404)
    assert counts(team["admin"])["accounts"] == 0


def test_convert_page_lands_on_the_new_account(app):
    from core.testing import ApiClient, make_user
    from tests.test_route_leaks import session_client

    _uid, token = make_user(app, "seller@example.com", role="sales")
    lead = ok(ApiClient(app.test_client(), token).post(
        "/api/v1/leads", json={"name": "문지호", "company": "지호물류(주)", "source": "exhibition"}), 201)
    client = session_client(app, "seller@example.com")
    detail = client.get(f"/records/leads/{lead['id']}").get_data(as_text=True)
    convert_url = re.search(r'id="lead-convert" href="([^"]+)"', detail).group(1)
    form = client.get(convert_url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    done = client.post(convert_url, data={"csrf_token": csrf, "account_name": "지호물류(주)"})
    assert done.status_code == 302 and "/records/accounts/" in done.headers["Location"]
    assert "지호물류(주)" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="lead-convert"' not in client.get(f"/records/leads/{lead['id']}").get_data(as_text=True)
    board = client.get("/leads/board").get_data(as_text=True)
    assert f'id="lead-{lead["id"]}"' in board
    assert "100.0%" in client.get("/leads/report").get_data(as_text=True)
    assert client.get("/leads/settings").status_code == 403


def test_convert_page_with_an_opportunity_and_its_errors(app):
    from core.testing import ApiClient, make_user
    from tests.test_route_leaks import session_client

    _uid, token = make_user(app, "seller@example.com", role="sales")
    api = ApiClient(app.test_client(), token)
    lead = ok(api.post("/api/v1/leads", json={"name": "문지호", "company": "지호물류(주)"}), 201)
    client = session_client(app, "seller@example.com")
    url = f"/leads/{lead['id']}/convert"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    refused = client.post(url, data={"csrf_token": csrf, "create_opportunity": "1", "opportunity_amount": "-5"})
    assert refused.status_code == 422 and "opportunity.amount" in refused.get_data(as_text=True)
    assert ok(api.get("/api/v1/accounts"))["data"] == []
    done = client.post(url, data={"csrf_token": csrf, "create_opportunity": "1", "opportunity_amount": "5000000",
                                  "opportunity_revenue_month": "2026-12-01", "opportunity_title": "물류 ERP"})
    assert done.status_code == 302
    deal = ok(api.get("/api/v1/opportunities"))["data"][0]
    assert (deal["title"], float(deal["amount"])) == ("물류 ERP", 5000000)
