"""Leads: status rules, consent, duplicate warnings that name only what the caller may see, assignment."""
from __future__ import annotations

from plugins.leads.tests.conftest import ok


def new_lead(api, **values):
    values.setdefault("name", "정하늘")
    return api.post("/api/v1/leads", json=values)


def test_a_lead_starts_new_and_disqualifying_needs_a_reason(team):
    rep = team["rep"]
    lead = ok(new_lead(rep, company="(주)하늘소프트", mobile="010-2345-6701", source="web_form"), 201)
    assert lead["status"] == "new" and lead["number"].startswith("LEAD-")
    refused = rep.patch(f"/api/v1/leads/{lead['id']}", json={"status": "disqualified"})
    assert refused.status_code == 422 and "disqualified_reason" in refused.json["error"]["fields"]
    done = ok(rep.patch(f"/api/v1/leads/{lead['id']}", json={"status": "disqualified",
                                                             "disqualified_reason": "no_budget"}))
    assert done["disqualified_reason"] == "no_budget"


def test_status_converted_only_through_conversion(team):
    lead = ok(new_lead(team["rep"]), 201)
    refused = team["rep"].patch(f"/api/v1/leads/{lead['id']}", json={"status": "converted"})
    assert refused.status_code == 422 and "status" in refused.json["error"]["fields"]


def test_consent_to_marketing_records_when(team, crm_clock):
    lead = ok(new_lead(team["rep"], marketing_consent=True), 201)
    assert lead["consent_at"].startswith("2026-03-02")
    crm_clock.advance(days=3)
    same = ok(team["rep"].patch(f"/api/v1/leads/{lead['id']}", json={"description": "메모"}))
    assert same["consent_at"] == lead["consent_at"]
    withdrawn = ok(team["rep"].patch(f"/api/v1/leads/{lead['id']}", json={"marketing_consent": False}))
    assert withdrawn["consent_at"] is None


def test_duplicate_warning_names_visible_records_only(team):
    rep, peer = team["rep"], team["peer"]
    mine = ok(rep.post("/api/v1/contacts", json={"name": "김담당", "mobile": "010-1111-2222"}), 201)
    ok(peer.post("/api/v1/accounts", json={"name": "비밀상사", "email": "info@secret.kr",
                                           "business_number": "214-86-01238"}), 201)
    warned = new_lead(rep, mobile="01011112222", email="info@secret.kr")
    assert warned.status_code == 409 and warned.json["error"]["code"] == "duplicate_warning"
    body = str(warned.json)
    assert "김담당" in body and "비밀상사" not in body
    hidden = [m for m in warned.json["error"]["matches"] if m["hidden"]]
    assert hidden and all("id" not in m for m in hidden)
    assert {m["entity"] for m in warned.json["error"]["matches"]} == {"contacts", "accounts"}
    created = new_lead(rep, mobile="01011112222", email="info@secret.kr", confirm_duplicate=True)
    assert created.status_code == 201
    again = new_lead(rep, name="다른 사람", business_number="2148601238")
    assert again.status_code == 409 and "비밀상사" not in str(again.json)


def test_round_robin_and_by_source_assignment(team, app):
    from core.db import session
    from core.testing import make_user
    from plugins.leads import services

    admin = team["admin"]
    ids = [make_user(app, f"u{i}@example.com", role="sales")[0] for i in range(3)]
    ok(admin.put("/api/v1/leads/assignment", json={"mode": "round_robin", "users": ids[:2]}))
    with app.app_context():
        picked = [services.assignee_for("website") for _ in range(4)]
        session().commit()
    assert picked == [ids[0], ids[1], ids[0], ids[1]]
    ok(admin.put("/api/v1/leads/assignment", json={"mode": "by_source", "users": ids[:2],
                                                     "by_source": {"exhibition": ids[2]}}))
    with app.app_context():
        assert services.assignee_for("exhibition") == ids[2]
        assert services.assignee_for("website") in ids[:2]
    bad = admin.put("/api/v1/leads/assignment", json={"mode": "by_source", "by_source": {"nowhere": ids[0]}})
    assert bad.status_code == 422 and "by_source" in bad.json["error"]["fields"]
    assert team["rep"].put("/api/v1/leads/assignment", json={"mode": "off"}).status_code == 403


def test_the_lead_page_lists_possible_duplicates(app, team):
    from core.testing import ApiClient, make_user
    from tests.test_route_leaks import session_client

    ok(team["peer"].post("/api/v1/contacts", json={"name": "숨은담당", "mobile": "010-9999-0000"}), 201)
    viewer = ApiClient(app.test_client(), make_user(app, "viewer2@example.com", role="sales")[1])
    lead = ok(new_lead(viewer, mobile="010-9999-0000", confirm_duplicate=True), 201)
    page = session_client(app, "viewer2@example.com").get(f"/records/leads/{lead['id']}").get_data(as_text=True)
    assert "이미 사용 중" in page and "숨은담당" not in page
    assert "담당자, 전화" in page
