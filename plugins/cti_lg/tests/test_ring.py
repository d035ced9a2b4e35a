"""A ring fired by the fake Centrex reaches the agent of the extension, with the customer found by phone."""
from __future__ import annotations

from core.db import sqlite_begin
from plugins.cti_lg.models import Call, Event
from plugins.cti_lg.tests.conftest import count


def account(api, name, phone):
    response = api.post("/api/v1/accounts", json={"name": name, "phone": phone})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_a_ring_pops_up_for_the_agent_of_the_extension_only(team, fake, line):
    rep, peer = team["rep"], team["peer"]
    account_id = account(rep, "(주)해동통신", "02-808-8016")
    assert rep.get("/api/v1/cti_lg/events").json == {"items": [], "last_id": 0}

    assert fake.ring("028088016", "101") == 200

    items = rep.get("/api/v1/cti_lg/events?after=0").json["items"]
    assert len(items) == 1
    popup = items[0]
    assert popup["caller"] == "028088016"
    assert [(m["entity"], m["id"], m["name"]) for m in popup["matches"]] == [("accounts", account_id, "(주)해동통신")]
    assert peer.get("/api/v1/cti_lg/events?after=0").json["items"] == []
    assert peer.get(f"/api/v1/cti_lg/calls/{popup['call_id']}/popup").status_code == 404
    assert count(team["app"], Call) == 1 and count(team["app"], Event) == 1


def test_the_popup_shows_only_customers_the_agent_may_see(team, fake, line):
    account(team["peer"], "남의 거래처", "02-808-8016")  # the peer's private account
    fake.ring("028088016", "101")
    popup = team["rep"].get("/api/v1/cti_lg/events?after=0").json["items"][0]
    assert popup["matches"] == []


def test_the_agent_saves_a_receipt_from_the_call(team, fake, line):
    rep = team["rep"]
    account_id = account(rep, "에스바디케어", "031-555-5555")
    fake.ring("031-555-5555", "101")
    popup = rep.get("/api/v1/cti_lg/events?after=0").json["items"][0]
    response = rep.post(f"/api/v1/cti_lg/calls/{popup['call_id']}/receipt",
                        json={"account_id": account_id, "category": "as", "content": "프린터 인쇄 불량"})
    assert response.status_code == 201, response.json
    receipt = rep.get(f"/api/v1/service_receipts/{response.json['id']}").json
    assert receipt["call_id"] == popup["call_id"] and receipt["path"] == "phone" and receipt["status"] == "open"
    assert receipt["phone"] == "031-555-5555" and receipt["number"].startswith("AS-")
    # the next ring from that number shows the open receipt
    fake.ring("0315555555", "101")
    second = rep.get(f"/api/v1/cti_lg/events?after={popup['event_id']}").json["items"][0]
    assert [r["id"] for r in second["open_receipts"]] == [receipt["id"]]
    # someone else cannot write a receipt on the agent's call
    assert team["peer"].post(f"/api/v1/cti_lg/calls/{popup['call_id']}/receipt",
                             json={"content": "x"}).status_code == 404


def test_an_unknown_number_linked_to_a_customer_matches_from_then_on(team, fake, line):
    rep = team["rep"]
    account_id = account(rep, "하이디자인", "02-111-2222")
    fake.ring("01098765432", "101")
    popup = rep.get("/api/v1/cti_lg/events?after=0").json["items"][0]
    assert popup["matches"] == []
    response = rep.post(f"/api/v1/cti_lg/calls/{popup['call_id']}/link", json={"account_id": account_id})
    assert response.status_code == 200, response.json
    fake.ring("010-9876-5432", "101")
    again = rep.get(f"/api/v1/cti_lg/events?after={popup['event_id']}").json["items"][0]
    assert [m["id"] for m in again["matches"]] == [account_id]
    # a customer the agent cannot see cannot be linked
    hidden = account(team["peer"], "비공개", "02-000-0000")
    refused = rep.post(f"/api/v1/cti_lg/calls/{popup['call_id']}/link", json={"account_id": hidden})
    assert refused.status_code == 422


def test_an_unmapped_extension_records_the_call_without_a_popup(team, fake, line):
    assert fake.ring("0212345678", "199") == 200
    assert count(team["app"], Call) == 1 and count(team["app"], Event) == 0


def test_the_ring_callback_takes_sqlites_write_lock_up_front_other_gets_do_not(cti_app):
    """The ring is a GET that writes: a deferred transaction would fail with SQLITE_BUSY (503) whenever another
    connection committed between its read and its write, as two rings at the same moment do."""
    with cti_app.test_request_context("/cti_lg/ring/" + "a" * 40):
        assert sqlite_begin() == "BEGIN IMMEDIATE"
    with cti_app.test_request_context("/records/accounts"):
        assert sqlite_begin() == "BEGIN DEFERRED"
