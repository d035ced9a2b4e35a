"""The advertising law on the server (정보통신망법 §50): prefix and opt-out line, consent, the night, opt-outs."""
from __future__ import annotations

import datetime as dt

import pytest

from core.jobs.worker import run_pending
from plugins.sms.rules import KST
from plugins.sms.tests.conftest import contact
from plugins.sms.tests.test_send import log_rows


def consent(api, contact_id, night=False):
    response = api.put(f"/api/v1/sms/consents/{contact_id}", json={"ads": True, "night": night,
                                                                  "given_on": "2026-01-05", "source": "행사 신청서"})
    assert response.status_code == 200, response.json
    return response.json


def ad(api, sender, ids, **extra):
    return api.post("/api/v1/sms/messages", json={"contact_ids": ids, "body": "연말 특가 {name}님",
                                                  "sender_id": sender, "advertising": True, "signature": False,
                                                  **extra})


def at_kst(clock, hour, minute):
    clock.set_now(dt.datetime(2026, 3, 2, hour, minute, tzinfo=KST))


def test_an_ad_gets_prefix_sender_and_optout_line_and_only_consenting_contacts(team, sender, gateway):
    rep = team["rep"]
    yes, no = contact(rep, "동의함", "010-1000-0001"), contact(rep, "미동의", "010-1000-0002")
    consent(rep, yes)
    response = ad(rep, sender, [yes, no], numbers=["010-1000-0003"])
    assert response.status_code == 201, response.json
    assert response.json["recipients"] == 1 and response.json["removed_no_consent"] == 2
    run_pending(team["app"])
    assert [(m["to"], m["text"]) for m in gateway.messages] == [
        ("01010000001", "(광고)해동통신 02-555-0100\n연말 특가 동의함님\n무료수신거부 080-500-0000")]


def test_an_ad_to_no_one_with_consent_is_refused(team, sender):
    rep = team["rep"]
    response = ad(rep, sender, [contact(rep, "미동의", "010-1000-0002")])
    assert response.status_code == 422 and response.json["error"]["counts"]["removed_no_consent"] == 1
    assert log_rows(team["app"]) == []


def test_consent_needs_date_and_source(team):
    rep = team["rep"]
    who = contact(rep, "홍길동", "010-1000-0001")
    response = rep.put(f"/api/v1/sms/consents/{who}", json={"ads": True})
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"given_on", "source"}
    assert rep.get(f"/api/v1/sms/consents/{who}").json["ads"] is False
    assert consent(rep, who)["source"] == "행사 신청서"
    assert team["peer"].put(f"/api/v1/sms/consents/{who}", json={"ads": False}).status_code == 404


@pytest.mark.parametrize("hour, minute, allowed", [(20, 59, True), (21, 0, False), (7, 59, False), (8, 0, True)])
def test_the_night_block_refuses(team, sender, gateway, crm_clock, hour, minute, allowed):
    rep = team["rep"]
    who = contact(rep, "동의함", "010-1000-0001")
    consent(rep, who)
    at_kst(crm_clock, hour, minute)
    response = ad(rep, sender, [who], night_policy="refuse")
    if allowed:
        assert response.status_code == 201, response.json
    else:
        assert response.status_code == 422 and response.json["error"]["code"] == "night_blocked"
        assert dt.datetime.fromisoformat(response.json["error"]["allowed_at"]).astimezone(KST).hour == 8
        assert log_rows(team["app"]) == []


@pytest.mark.parametrize("hour, minute", [(21, 0), (7, 59)])
def test_the_night_block_reschedules_to_8(team, sender, gateway, crm_clock, hour, minute):
    rep = team["rep"]
    who = contact(rep, "동의함", "010-1000-0001")
    consent(rep, who)
    at_kst(crm_clock, hour, minute)
    response = ad(rep, sender, [who], night_policy="reschedule")
    assert response.status_code == 201
    assert dt.datetime.fromisoformat(response.json["send_at"]).astimezone(KST).strftime("%H:%M") == "08:00"
    run_pending(team["app"])
    assert gateway.messages == []
    crm_clock.set_now(dt.datetime.fromisoformat(response.json["send_at"]))
    run_pending(team["app"])
    assert len(gateway.messages) == 1


def test_night_consent_allows_an_ad_at_night_and_plain_messages_are_not_blocked(team, sender, crm_clock):
    rep = team["rep"]
    who = contact(rep, "야간동의", "010-1000-0001")
    consent(rep, who, night=True)
    at_kst(crm_clock, 23, 0)
    assert ad(rep, sender, [who], night_policy="refuse").status_code == 201
    assert rep.post("/api/v1/sms/messages", json={"numbers": ["01012345678"], "body": "배송 안내",
                                                  "sender_id": sender}).status_code == 201


def test_opted_out_numbers_are_never_sent(team, sender, gateway):
    rep, admin = team["rep"], team["admin"]
    who = contact(rep, "홍길동", "010-1000-0001")
    assert rep.post("/api/v1/sms/optouts", json={"numbers": ["010-1000-0001"]}).status_code == 403
    added = admin.post("/api/v1/sms/optouts", json={"numbers": ["010-1000-0001", "01010000001", "nope"],
                                                    "source": "080"})
    assert added.status_code == 422
    added = admin.post("/api/v1/sms/optouts", json={"numbers": ["010-1000-0001", "01010000001"], "source": "080"})
    assert added.json == {"added": 1, "already": 0, "duplicates": 1}
    response = rep.post("/api/v1/sms/messages", json={"contact_ids": [who], "numbers": ["010-1000-0002"],
                                                      "body": "안내", "sender_id": sender})
    assert response.json["recipients"] == 1 and response.json["removed_optout"] == 1
    # a number that opts out after the send was queued is still not sent to
    admin.post("/api/v1/sms/optouts", json={"numbers": ["010-1000-0002"], "source": "import"})
    run_pending(team["app"])
    assert gateway.messages == []
    assert [(r.status, r.error) for r in log_rows(team["app"])] == [("failed", "opted out after it was queued")]


def test_a_chunk_of_only_opted_out_numbers_does_not_stop_the_send(team, sender, gateway, monkeypatch):
    from plugins.sms import sending

    monkeypatch.setattr(sending, "MIN_CHUNK", 2)
    numbers = ["010-1000-0001", "010-1000-0002", "010-1000-0003"]
    assert team["rep"].post("/api/v1/sms/messages", json={"numbers": numbers, "body": "안내",
                                                          "sender_id": sender}).status_code == 201
    team["admin"].post("/api/v1/sms/optouts", json={"numbers": numbers[:2]})
    run_pending(team["app"])
    assert [m["to"] for m in gateway.messages] == ["01010000003"]
    assert [r.status for r in log_rows(team["app"])] == ["failed", "failed", "sent"]


def test_the_public_optout_link_in_an_lms_ad(team, sender, gateway):
    from plugins.sms.tests.conftest import use_gateway

    use_gateway(team["admin"], gateway, public_url="https://crm.example.com")
    rep = team["rep"]
    who = contact(rep, "홍길동", "010-1000-0001")
    consent(rep, who)
    assert ad(rep, sender, [who], body="긴 광고 " * 20).status_code == 201
    run_pending(team["app"])
    text = gateway.messages[0]["text"]
    assert gateway.messages[0]["kind"] == "LMS"
    link = text.rsplit("https://crm.example.com", 1)[1]
    browser = team["app"].test_client()
    page = browser.get(link)
    assert page.status_code == 200 and "+82101000****" in page.get_data(as_text=True)
    assert browser.post(link).status_code == 200
    assert browser.get("/sms/optout/forged-token").status_code == 404
    again = rep.post("/api/v1/sms/messages", json={"contact_ids": [who], "body": "x", "sender_id": sender})
    assert again.status_code == 422 and again.json["error"]["counts"]["removed_optout"] == 1
