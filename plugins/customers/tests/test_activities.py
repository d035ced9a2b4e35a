"""Activities (영업 활동): rules, assignees, completion confirmation, days since last contact."""
from __future__ import annotations

import datetime as dt

import pytest

from plugins.customers.tests.helpers import account, create, error_fields, names, rep

NOW = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def days_ago(days: int) -> str:
    return iso(NOW - dt.timedelta(days=days))


def test_activity_with_every_field(crm_api, crm_clock):
    firm = account(crm_api, "(주)해동통신")
    kim = create(crm_api, "contacts", name="김철수", account_id=firm["id"])
    other = create(crm_api, "accounts", name="대한정밀")
    meeting = create(crm_api, "activities", subject="요구사항 미팅", type="meeting", status="planned",
                     contact_id=kim["id"], start_at="2026-03-03T10:00:00+09:00", end_at="2026-03-03T11:30:00+09:00",
                     location="해동통신 본사 3층", related_entity="accounts", related_id=other["id"],
                     description="견적 범위 확인")
    assert meeting["account_id"] == firm["id"]  # taken from the contact
    assert meeting["start_at"] == "2026-03-03T01:00:00Z"
    assert meeting["_display"]["type"] == "미팅" and meeting["_display"]["status"] == "계획"
    task = create(crm_api, "activities", subject="견적서 발송", type="task")
    assert task["start_at"] == iso(NOW) and task["account_id"] is None


@pytest.mark.parametrize("values, field", [
    ({"type": "lunch"}, "type"),
    ({"status": "maybe"}, "status"),
    ({"start_at": "2026-03-03T10:00:00Z", "end_at": "2026-03-03T09:00:00Z"}, "end_at"),
    ({"start_at": "tomorrow"}, "start_at"),
    ({"related_entity": "spaceships", "related_id": 1}, "related_entity"),
    ({"related_entity": "accounts"}, "related_id"),
    ({"related_entity": "accounts", "related_id": 999}, "related_id"),
    ({"contact_id": 999}, "contact_id"),
    ({"completed_at": "2026-03-03T10:00:00Z"}, "completed_at"),
    ({"subject": ""}, "subject"),
])
def test_bad_activity_values_are_422(crm_api, values, field):
    assert field in error_fields(crm_api.post("/api/v1/activities", json={"subject": "통화", **values}))
    assert crm_api.get("/api/v1/activities").json["meta"]["total"] == 0


def test_contact_must_belong_to_the_account(crm_api):
    firm, other = account(crm_api, "해동통신"), account(crm_api, "대한정밀")
    kim = create(crm_api, "contacts", name="김철수", account_id=firm["id"])
    response = crm_api.post("/api/v1/activities", json={"subject": "통화", "account_id": other["id"],
                                                        "contact_id": kim["id"]})
    assert "contact_id" in error_fields(response)


def test_related_record_must_be_visible(crm_app, crm_api):
    _a, rep_a = rep(crm_app, "a@example.com")
    hidden = account(crm_api, "관리자 고객")
    response = rep_a.post("/api/v1/activities", json={"subject": "통화", "related_entity": "accounts",
                                                      "related_id": hidden["id"]})
    assert "related_id" in error_fields(response)


def test_done_stamps_completion_and_only_the_creator_confirms_a_task(crm_app, crm_api, crm_clock):
    from core.testing import make_user

    helper_id, _token = make_user(crm_app, "helper@example.com", role="sales")
    task = create(crm_api, "activities", subject="계약서 초안", type="task")
    assert "confirmed" in error_fields(crm_api.patch(f"/api/v1/activities/{task['id']}", json={"confirmed": True}))
    crm_api.put(f"/api/v1/customers/activities/{task['id']}/assignees", json={"user_ids": [helper_id]})
    crm_clock.advance(hours=2)
    done = crm_api.patch(f"/api/v1/activities/{task['id']}", json={"status": "done"}).json
    assert done["completed_at"] == iso(NOW + dt.timedelta(hours=2)) and done["confirmed"] is False

    _m, manager = rep(crm_app, "manager@example.com", role="manager")  # can edit the helper's ... but not confirm
    manager_task = create(manager, "activities", subject="방문 보고", type="task", status="done")
    assert "confirmed" in error_fields(
        crm_api.patch(f"/api/v1/activities/{manager_task['id']}", json={"confirmed": True}))

    confirmed = crm_api.patch(f"/api/v1/activities/{task['id']}", json={"confirmed": True}).json
    assert confirmed["confirmed"] is True and confirmed["confirmed_by_id"] == confirmed["created_by_id"]
    reopened = crm_api.patch(f"/api/v1/activities/{task['id']}", json={"status": "planned"}).json
    assert (reopened["completed_at"], reopened["confirmed"], reopened["confirmed_at"]) == (None, False, None)
    call = create(crm_api, "activities", subject="통화", type="call", status="done")
    assert "confirmed" in error_fields(crm_api.patch(f"/api/v1/activities/{call['id']}", json={"confirmed": True}))


def test_assignees(crm_app, crm_api):
    from core.testing import make_user

    kim_id, _t = make_user(crm_app, "kim@example.com", role="sales")
    lee_id, lee_token = make_user(crm_app, "lee@example.com", role="sales")
    mine = create(crm_api, "activities", subject="공동 방문", type="visit")
    create(crm_api, "activities", subject="혼자 통화", type="call")
    url = f"/api/v1/customers/activities/{mine['id']}/assignees"
    assert crm_api.put(url, json={"user_ids": [lee_id, kim_id, lee_id]}).json == {"user_ids": sorted([kim_id, lee_id])}
    assert crm_api.get(url).json == {"user_ids": sorted([kim_id, lee_id])}
    listed = crm_api.get(f"/api/v1/activities?assigned_to={lee_id}").json["data"]
    assert [a["subject"] for a in listed] == ["공동 방문"]
    assert crm_api.get("/api/v1/activities?assigned_to=me").json["meta"]["total"] == 2
    assert "user_ids" in error_fields(crm_api.put(url, json={"user_ids": [99999]}))
    assert "user_ids" in error_fields(crm_api.put(url, json={"user_ids": "everyone"}))
    assert crm_api.get(url).json == {"user_ids": sorted([kim_id, lee_id])}
    assert "assigned_to" in error_fields(crm_api.get("/api/v1/activities?assigned_to=somebody"), 400)
    _o, other = rep(crm_app, "other@example.com")
    assert other.put(url, json={"user_ids": []}).status_code == 404


def test_not_contacted_for_30_days_is_exact(crm_api, crm_clock):
    crm_clock.set_now(NOW - dt.timedelta(days=200))
    firms = {name: account(crm_api, name) for name in ("최근통화", "오래된방문", "계획만", "취소만", "할일만",
                                                        "연락없음", "경계")}
    crm_clock.set_now(NOW)
    new_firm = account(crm_api, "신규고객")

    def activity(firm, days, **values):
        values.setdefault("type", "call")
        values.setdefault("status", "done")
        return create(crm_api, "activities", subject="활동", account_id=firms[firm]["id"],
                      start_at=days_ago(days), **values)

    activity("최근통화", 45)
    activity("최근통화", 3)
    activity("오래된방문", 31, type="visit")
    activity("계획만", 1, status="planned")
    activity("취소만", 2, status="cancelled")
    activity("할일만", 1, type="task")
    activity("경계", 29, type="meeting")
    stale = names(crm_api.get("/api/v1/accounts?not_contacted_days=30"))
    assert stale == sorted(["오래된방문", "계획만", "취소만", "할일만", "연락없음"])
    assert new_firm["name"] not in stale
    last = crm_api.get(f"/api/v1/accounts/{firms['최근통화']['id']}").json["last_contact_at"]
    assert last == days_ago(3)
    assert names(crm_api.get("/api/v1/accounts?not_contacted_days=2")) == sorted(
        ["오래된방문", "계획만", "취소만", "할일만", "연락없음", "최근통화", "경계"])
    for bad in ("0", "-3", "abc"):
        assert "not_contacted_days" in error_fields(crm_api.get(f"/api/v1/accounts?not_contacted_days={bad}"), 400)


def test_last_contact_follows_edits_moves_and_the_recycle_bin(crm_api, crm_clock):
    first, second = account(crm_api, "첫째"), account(crm_api, "둘째")
    call = create(crm_api, "activities", subject="통화", status="done", account_id=first["id"], start_at=days_ago(5))
    older = create(crm_api, "activities", subject="방문", type="visit", status="done", account_id=first["id"],
                   start_at=days_ago(40))

    def last(firm):
        return crm_api.get(f"/api/v1/accounts/{firm['id']}").json["last_contact_at"]

    assert last(first) == days_ago(5)
    crm_api.delete(f"/api/v1/activities/{call['id']}")
    assert last(first) == days_ago(40)
    crm_api.post(f"/api/v1/activities/{call['id']}/restore")
    assert last(first) == days_ago(5)
    crm_api.patch(f"/api/v1/activities/{call['id']}", json={"account_id": second["id"]})
    assert (last(first), last(second)) == (days_ago(40), days_ago(5))
    crm_api.patch(f"/api/v1/activities/{older['id']}", json={"status": "cancelled"})
    assert last(first) is None


def test_assignees_read_and_complete_but_only_the_creator_confirms(crm_app, crm_api):
    helper_id, helper = rep(crm_app, "helper@example.com")
    _o, outsider = rep(crm_app, "outsider@example.com")
    task = create(crm_api, "activities", subject="계약서 검토", type="task")
    assert helper.get(f"/api/v1/activities/{task['id']}").status_code == 404
    crm_api.put(f"/api/v1/customers/activities/{task['id']}/assignees", json={"user_ids": [helper_id]})
    assert helper.get(f"/api/v1/activities/{task['id']}").json["subject"] == "계약서 검토"
    assert [a["id"] for a in helper.get("/api/v1/activities?assigned_to=me").json["data"]] == [task["id"]]
    assert helper.patch(f"/api/v1/activities/{task['id']}", json={"subject": "바꿈"}).status_code == 403
    assert outsider.post(f"/api/v1/customers/activities/{task['id']}/complete").status_code == 404
    done = helper.post(f"/api/v1/customers/activities/{task['id']}/complete")
    assert done.status_code == 200 and done.json["status"] == "done" and done.json["completed_at"]
    assert helper.patch(f"/api/v1/activities/{task['id']}", json={"confirmed": True}).status_code == 403
    confirmed = crm_api.patch(f"/api/v1/activities/{task['id']}", json={"confirmed": True}).json
    assert confirmed["confirmed"] is True
