"""SMS from elsewhere: the workflow task "send SMS" and SMS as a channel for activity reminders."""
from __future__ import annotations

import datetime as dt

from core.jobs.worker import run_pending
from plugins.sms.tests.conftest import contact
from plugins.sms.tests.test_send import log_rows


def workflow(api, **definition):
    body = {"name": "wf", "entity": "contacts", "trigger": {"type": "create"}, "conditions": {}, "tasks": []}
    body.update(definition)
    return api.post("/api/v1/workflows/", json=body)


def run_queue(app):
    while run_pending(app):
        pass


def test_a_workflow_texts_a_new_contact_with_merge_fields(team, sender, gateway):
    admin, rep = team["admin"], team["rep"]
    response = workflow(admin, tasks=[{"type": "send_sms", "to_field": "mobile",
                                       "text": "{{ record.name }}님, 명함 등록 감사합니다. 담당 {{ owner.name }}"}])
    assert response.status_code == 201, response.json
    who = contact(rep, "홍길동", "010-1234-5678")
    contact(rep, "번호없음", "")
    run_queue(team["app"])
    assert [(m["to"], m["text"]) for m in gateway.messages] == [("01012345678", "홍길동님, 명함 등록 감사합니다. 담당 김영업")]
    [row] = log_rows(team["app"])
    assert row.contact_id == who and row.owner_id is not None
    assert rep.get("/api/v1/sms/log").json["meta"]["total"] == 1      # in the owner's log


def test_the_task_is_checked_when_the_workflow_is_saved(team):
    admin = team["admin"]
    for task, key in (({"type": "send_sms", "to_field": "name", "text": "x"}, "to_field"),
                      ({"type": "send_sms", "to_field": "nope", "text": "x"}, "to_field"),
                      ({"type": "send_sms", "to_field": "mobile", "text": "{{ record.name "}, "text")):
        response = workflow(admin, tasks=[task])
        assert response.status_code == 422, response.json
        assert key in str(response.json["error"]["fields"])


def test_an_activity_reminder_also_goes_by_sms_to_people_with_a_mobile(team, sender, gateway, crm_clock):
    rep = team["rep"]
    rep.put("/api/v1/sms/profile", json={"mobile": "010-5555-0000"})
    start = crm_clock.now() + dt.timedelta(hours=1)
    response = rep.post("/api/v1/activities", json={
        "subject": "해동통신 방문", "type": "meeting", "start_at": start.isoformat(),
        "reminder_at": (crm_clock.now() + dt.timedelta(minutes=30)).isoformat()})
    assert response.status_code == 201, response.json
    run_queue(team["app"])
    assert gateway.messages == []
    crm_clock.advance(minutes=30)
    run_queue(team["app"])
    [sms] = gateway.messages
    assert sms["to"] == "01055550000" and "해동통신 방문" in sms["text"] and "03-02 10:00" in sms["text"]
    crm_clock.advance(hours=1)
    run_queue(team["app"])
    assert len(gateway.messages) == 1
