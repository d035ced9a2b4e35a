"""Service receipts: sharing rules, done/on hold, the board, Excel, statistics and the order from a receipt."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from core.testing import Team


def account(api, name, phone="02-555-0100"):
    response = api.post("/api/v1/accounts", json={"name": name, "phone": phone})
    assert response.status_code == 201, response.json
    return response.json["id"]


def receipt(api, **values):
    response = api.post("/api/v1/service_receipts", json={"content": "프린터 고장", **values})
    assert response.status_code == 201, response.json
    return response.json


def session_client(app, email):
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": "password123", "csrf_token": token})
    assert response.status_code == 302
    return client


def csrf(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_receipts_follow_the_sharing_rules(team):
    rep, peer, manager = team["rep"], team["peer"], team["manager"]
    mine = receipt(rep, account_id=account(rep, "재근상사"))
    assert mine["receiver_id"] is not None and mine["status"] == "open"
    assert peer.get(f"/api/v1/service_receipts/{mine['id']}").status_code == 404
    assert manager.get(f"/api/v1/service_receipts/{mine['id']}").status_code == 200
    assert [r["id"] for r in peer.get("/api/v1/service_receipts").json["data"]] == []
    assert team["nobody"].get("/api/v1/service_receipts").status_code == 403
    assert team["admin"].patch("/api/v1/sharing", json={"service_receipts": "public_read"}).status_code == 200
    assert peer.get(f"/api/v1/service_receipts/{mine['id']}").status_code == 200


def test_done_notes_when_and_who(team):
    rep = team["rep"]
    r = receipt(rep)
    done = rep.patch(f"/api/v1/service_receipts/{r['id']}", json={"status": "done", "answer": "부품 교체"}).json
    assert done["handled_at"] and done["handler_id"] == done["receiver_id"]
    bad = rep.patch(f"/api/v1/service_receipts/{r['id']}", json={"status": "finished"})
    assert bad.status_code == 422 and "status" in bad.json["error"]["fields"]
    assert rep.post("/api/v1/service_receipts", json={"category": "as"}).status_code == 422  # content is required


def test_the_board_lists_filters_and_marks_receipts(team):
    rep = team["rep"]
    receipt(rep, content="교육 방문 문의", category="sales")
    r = receipt(rep, content="잉크 교체 요청", category="as")
    receipt(team["peer"], content="남의 접수")
    client = session_client(team["app"], "rep@example.com")
    page = client.get("/cti_lg/receipts").get_data(as_text=True)
    assert "교육 방문 문의" in page and "잉크 교체 요청" in page and "남의 접수" not in page
    assert re.search(r'data-status="open">[^<]*\b2<', page)  # counts per status, the colleague's not included
    filtered = client.get("/cti_lg/receipts?category=sales").get_data(as_text=True)
    assert "교육 방문 문의" in filtered and "잉크 교체 요청" not in filtered
    token = csrf(client, "/cti_lg/receipts")
    response = client.post(f"/cti_lg/receipts/{r['id']}/status", data={"status": "on_hold", "csrf_token": token})
    assert response.status_code == 302
    assert rep.get(f"/api/v1/service_receipts/{r['id']}").json["status"] == "on_hold"
    assert client.post(f"/cti_lg/receipts/{r['id']}/status", data={"status": "x", "csrf_token": token}).status_code == 302
    assert client.post(f"/cti_lg/receipts/{r['id']}/status", data={"status": "done"}).status_code == 400  # no CSRF
    peer = session_client(team["app"], "peer@example.com")
    peer.post(f"/cti_lg/receipts/{r['id']}/status", data={"status": "done", "csrf_token": csrf(peer, "/cti_lg/receipts")})
    assert rep.get(f"/api/v1/service_receipts/{r['id']}").json["status"] == "on_hold"


def test_receipts_download_to_excel_formula_safe(team):
    rep = team["rep"]
    receipt(rep, content="=HYPERLINK(\"http://x\")", account_id=account(rep, "하이디자인"))
    response = rep.get("/api/v1/exports/service_receipts?scope=all&format=xlsx")
    assert response.status_code == 200
    values = [c for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True) for c in row]
    assert "하이디자인" in values
    assert "=HYPERLINK(\"http://x\")" not in values


def test_statistics_per_agent_per_customer_and_silent_customers(team):
    rep, service = team["rep"], team["service"]
    busy, quiet = account(rep, "바쁜상사"), account(rep, "조용상사")
    receipt(rep, account_id=busy)
    done = receipt(rep, account_id=busy)
    rep.patch(f"/api/v1/service_receipts/{done['id']}", json={"status": "done"})
    receipt(service, content="서비스팀 접수")
    stats = team["admin"].get("/api/v1/cti_lg/stats").json
    agents = {a["name"]: (a["received"], a["handled"]) for a in stats["agents"]}
    assert agents == {"김영업": (2, 1), "최서비스": (1, 0)}
    assert [(c["name"], c["receipts"]) for c in stats["customers"]] == [("바쁜상사", 2)]
    assert [c["name"] for c in stats["silent"]] == ["조용상사"]
    # a rep's statistics count only what the rep may see
    mine = rep.get("/api/v1/cti_lg/stats").json
    assert {a["name"] for a in mine["agents"]} == {"김영업"}
    assert team["admin"].get("/api/v1/cti_lg/stats?since=2026-13-01").status_code == 400
    assert team["admin"].get("/api/v1/cti_lg/stats?since=2026-12-31&until=2026-01-01").status_code == 400
    page = session_client(team["app"], "admin@example.com").get("/cti_lg/stats").get_data(as_text=True)
    assert "바쁜상사" in page and "조용상사" in page


def test_an_order_is_created_from_a_receipt_when_orders_exist(crm_app_factory):
    team = Team(app=crm_app_factory(plugins=["customers", "products", "opportunities", "quotes", "cti_lg"]))
    rep = team["rep"]
    r = receipt(rep, account_id=account(rep, "에스바디케어"), content="GS-5200 주문 요청")
    response = rep.post(f"/api/v1/cti_lg/receipts/{r['id']}/order")
    assert response.status_code == 201, response.json
    order = rep.get(f"/api/v1/sales_orders/{response.json['id']}").json
    assert order["account_id"] == r["account_id"] and r["number"] in order["title"]
    no_account = receipt(rep)
    assert rep.post(f"/api/v1/cti_lg/receipts/{no_account['id']}/order").status_code == 422
    assert team["peer"].post(f"/api/v1/cti_lg/receipts/{r['id']}/order").status_code == 404


def test_without_orders_there_is_no_order_button(team):
    rep = team["rep"]
    r = receipt(rep, account_id=account(rep, "재근상사"))
    assert rep.post(f"/api/v1/cti_lg/receipts/{r['id']}/order").status_code == 404
    page = session_client(team["app"], "rep@example.com").get("/cti_lg/receipts").get_data(as_text=True)
    assert "/order" not in page
