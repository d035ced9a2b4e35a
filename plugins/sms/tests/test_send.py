"""Sending end to end: composer API -> log rows + job -> worker -> fake gateway on loopback."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.jobs.worker import run_pending
from plugins.sms.models import LogEntry
from plugins.sms.tests.conftest import contact, use_gateway


def log_rows(app, **where):
    from core.db import session

    with app.app_context():
        stmt = sa.select(LogEntry).order_by(LogEntry.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(LogEntry, name) == value)
        return list(session().scalars(stmt))


def test_a_send_reaches_each_recipient_once_with_merge_fields_and_signature(team, sender, gateway):
    rep = team["rep"]
    rep.put("/api/v1/sms/profile", json={"signature": "- 김영업 드림"})
    account = rep.post("/api/v1/accounts", json={"name": "해동상사"}).json["id"]
    first = contact(rep, "홍길동", "010-1234-5678", account_id=account)
    second = contact(rep, "김철수", "010-2222-3333")
    response = rep.post("/api/v1/sms/messages", json={
        "contact_ids": [first, second], "numbers": ["010 1234 5678", "+82 10-9999-0000"],
        "body": "{name}님 ({company}) 안녕하세요", "sender_id": sender})
    assert response.status_code == 201, response.json
    assert response.json["recipients"] == 3 and response.json["removed_duplicate"] == 1
    assert response.json["status_counts"]["queued"] == 3
    assert gateway.messages == []                       # nothing leaves before the worker runs
    run_pending(team["app"])
    texts = {m["to"]: m["text"] for m in gateway.messages}
    assert texts == {"01012345678": "홍길동님 (해동상사) 안녕하세요\n- 김영업 드림",
                     "01022223333": "김철수님 () 안녕하세요\n- 김영업 드림",
                     "01099990000": "님 () 안녕하세요\n- 김영업 드림"}
    assert {m["from"] for m in gateway.messages} == {"025550100"}
    assert [r.status for r in log_rows(team["app"])] == ["sent"] * 3
    assert all(r.provider_id for r in log_rows(team["app"]))
    assert gateway.duplicates == []


def test_a_long_text_goes_as_lms_and_unencodable_characters_are_named(team, sender, gateway):
    rep = team["rep"]
    response = rep.post("/api/v1/sms/messages", json={"numbers": ["010-1234-5678"], "sender_id": sender,
                                                      "body": "가" * 46, "signature": False})
    assert response.status_code == 201
    run_pending(team["app"])
    assert gateway.messages[0]["kind"] == "LMS"
    bad = rep.post("/api/v1/sms/messages", json={"numbers": ["010-1234-5678"], "sender_id": sender,
                                                 "body": "감사합니다 😀 发"})
    assert bad.status_code == 422
    assert bad.json["error"]["characters"] == ["😀", "发"]
    assert bad.json["error"]["message"].startswith("문자로 보낼 수 없는 글자가 있습니다: 😀 发")
    too_long = rep.post("/api/v1/sms/messages", json={"numbers": ["010-1234-5678"], "sender_id": sender,
                                                      "body": "가" * 1001})
    assert too_long.status_code == 422 and too_long.json["error"]["reason"] == "too_long"
    assert len(log_rows(team["app"])) == 1


def test_only_registered_active_senders_may_send(team, sender, gateway):
    rep, admin = team["rep"], team["admin"]
    assert rep.post("/api/v1/sms/messages", json={"numbers": ["01012345678"], "body": "x",
                                                  "sender_id": 999}).status_code == 422
    assert rep.post("/api/v1/sms/senders", json={"number": "0212345678"}).status_code == 403
    assert admin.patch(f"/api/v1/sms/senders/{sender}", json={"active": False}).status_code == 200
    refused = rep.post("/api/v1/sms/messages", json={"numbers": ["01012345678"], "body": "x", "sender_id": sender})
    assert refused.status_code == 422 and "sender_id" in refused.json["error"]["fields"]
    assert log_rows(team["app"]) == []


def test_bad_input_is_a_422_and_writes_nothing(team, sender):
    rep = team["rep"]
    for body in ({"numbers": ["12"], "body": "x", "sender_id": sender},
                 {"numbers": [], "body": "x", "sender_id": sender},
                 {"numbers": ["01012345678"], "body": "", "sender_id": sender},
                 {"numbers": ["01012345678"], "body": "x", "sender_id": "one"},
                 {"numbers": ["01012345678"], "body": "x", "sender_id": sender, "colour": "red"},
                 {"contact_ids": [424242], "body": "x", "sender_id": sender}):
        response = rep.post("/api/v1/sms/messages", json=body)
        assert response.status_code == 422, (body, response.json)
        assert response.json["error"]["message"]
    assert log_rows(team["app"]) == []


def test_the_daily_cap_is_per_deployment(team, sender, gateway):
    use_gateway(team["admin"], gateway, daily_cap=3)
    ok = team["rep"].post("/api/v1/sms/messages", json={"numbers": ["01011110001", "01011110002"], "body": "a",
                                                        "sender_id": sender})
    assert ok.status_code == 201
    over = team["peer"].post("/api/v1/sms/messages", json={"numbers": ["01011110003", "01011110004"],
                                                           "body": "b", "sender_id": sender})
    assert over.status_code == 422 and over.json["error"]["code"] == "daily_cap"
    assert "하루 발송 한도 3건" in over.json["error"]["message"]          # in the user's language
    assert len(log_rows(team["app"])) == 2


def test_scheduled_for_later_waits_for_its_time(team, sender, gateway, crm_clock):
    later = (crm_clock.now() + dt.timedelta(hours=2)).isoformat()
    assert team["rep"].post("/api/v1/sms/messages", json={"numbers": ["01012345678"], "body": "예약",
                                                          "sender_id": sender, "send_at": later}).status_code == 201
    run_pending(team["app"])
    assert gateway.messages == []
    crm_clock.advance(hours=2)
    run_pending(team["app"])
    assert len(gateway.messages) == 1


def test_test_send_goes_to_my_own_mobile(team, sender, gateway):
    rep = team["rep"]
    no_mobile = rep.post("/api/v1/sms/messages", json={"body": "시험", "sender_id": sender, "test": True})
    assert no_mobile.status_code == 422 and "mobile" in no_mobile.json["error"]["fields"]
    rep.put("/api/v1/sms/profile", json={"mobile": "010-7777-8888"})
    assert rep.post("/api/v1/sms/messages", json={"body": "시험", "sender_id": sender, "test": True,
                                                  "numbers": ["01012345678"]}).status_code == 201
    run_pending(team["app"])
    assert [m["to"] for m in gateway.messages] == ["01077778888"]


def test_groups_and_account_phones(team, sender, gateway):
    rep = team["rep"]
    contact(rep, "VIP1", "010-1000-0001", groups=["newsletter"])
    contact(rep, "VIP2", "010-1000-0002", groups=["newsletter", "finance"])
    contact(rep, "Other", "010-1000-0003", groups=["finance"])
    account = rep.post("/api/v1/accounts", json={"name": "해동상사", "phone": "010-2000-0000"}).json["id"]
    response = rep.post("/api/v1/sms/messages", json={"group": "newsletter", "account_ids": [account], "body": "{name}",
                                                      "sender_id": sender, "signature": False})
    assert response.status_code == 201, response.json
    run_pending(team["app"])
    assert sorted((m["to"], m["text"]) for m in gateway.messages) == [
        ("01010000001", "VIP1"), ("01010000002", "VIP2"), ("01020000000", "해동상사")]


def test_a_rep_cannot_text_contacts_they_cannot_see(team, sender):
    theirs = contact(team["peer"], "남의고객", "010-3000-0000")
    response = team["rep"].post("/api/v1/sms/messages", json={"contact_ids": [theirs], "body": "x",
                                                              "sender_id": sender})
    assert response.status_code == 422 and "contact_ids" in response.json["error"]["fields"]
    assert team["nobody"].post("/api/v1/sms/messages", json={"numbers": ["01012345678"], "body": "x",
                                                             "sender_id": sender}).status_code == 403


def test_a_saved_contact_filter_as_recipients(team, sender, gateway):
    from core.db import session
    from core.ui.models import SavedFilter

    rep, peer = team["rep"], team["peer"]
    contact(rep, "재무담당", "010-1000-0001", groups=["finance"], department="재무팀")
    contact(rep, "기술담당", "010-1000-0002", department="기술팀")
    contact(peer, "남의재무", "010-1000-0003", department="재무팀")       # not visible to the rep
    with team["app"].app_context():
        mine = SavedFilter(user_id=rep_id(team), entity="contacts", name="재무팀", query="department=재무팀")
        theirs = SavedFilter(user_id=rep_id(team, "peer@example.com"), entity="contacts", name="p", query="")
        session().add_all([mine, theirs])
        session().commit()
        mine_id, theirs_id = mine.id, theirs.id
    response = rep.post("/api/v1/sms/messages", json={"filter_id": mine_id, "body": "{name}", "sender_id": sender,
                                                      "signature": False})
    assert response.status_code == 201, response.json
    run_pending(team["app"])
    assert [(m["to"], m["text"]) for m in gateway.messages] == [("01010000001", "재무담당")]
    refused = rep.post("/api/v1/sms/messages", json={"filter_id": theirs_id, "body": "x", "sender_id": sender})
    assert refused.status_code == 422 and "filter_id" in refused.json["error"]["fields"]


def rep_id(team, email="rep@example.com"):
    from core.db import session
    from core.security.models import User

    return session().scalar(sa.select(User.id).where(User.email == email))
