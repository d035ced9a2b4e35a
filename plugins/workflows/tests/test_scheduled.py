"""Time-based workflows run by the worker on the controllable clock, in Seoul time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.jobs.worker import run_pending
from plugins.workflows.schedules import parse_schedule
from plugins.workflows.tests.conftest import account, runs_of, workflow

SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.timezone.utc


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


@pytest.mark.parametrize("schedule, after, expected", [
    ({"every": "hourly", "minute": 15}, seoul(2026, 3, 2, 9, 15), seoul(2026, 3, 2, 10, 15)),
    ({"every": "hourly", "minute": 15}, seoul(2026, 3, 2, 9, 14), seoul(2026, 3, 2, 9, 15)),
    ({"every": "daily", "time": "09:00"}, seoul(2026, 3, 2, 8, 59), seoul(2026, 3, 2, 9, 0)),
    ({"every": "daily", "time": "09:00"}, seoul(2026, 3, 2, 9, 0), seoul(2026, 3, 3, 9, 0)),
    ({"every": "weekly", "days": ["mon", "thu"], "time": "08:30"}, seoul(2026, 3, 2, 9, 0),  # a Monday
     seoul(2026, 3, 5, 8, 30)),
    ({"every": "monthly", "day": 31, "time": "18:00"}, seoul(2026, 2, 1, 0, 0), seoul(2026, 2, 28, 18, 0)),
    ({"every": "monthly", "day": 1, "time": "00:00"}, seoul(2026, 12, 1, 0, 0), seoul(2027, 1, 1, 0, 0)),
    ({"every": "date", "at": "2026-12-24T18:00"}, seoul(2026, 3, 2, 0, 0), seoul(2026, 12, 24, 18, 0)),
    ({"every": "date", "at": "2026-01-01T00:00"}, seoul(2026, 3, 2, 0, 0), None),
])
def test_next_due_times_in_the_deployment_zone(app, schedule, after, expected):
    with app.test_request_context():
        due = parse_schedule(schedule).next_after(after.astimezone(UTC), SEOUL)
    assert due == (expected.astimezone(UTC) if expected else None)


def test_daily_workflow_runs_in_the_worker_at_nine_in_seoul(app, api, crm_clock):
    crm_clock.set_now(seoul(2026, 3, 2, 7, 0))
    vip = account(api, name="VIP 고객", status="vip")
    normal = account(api, name="일반 고객", status="normal")
    wf = workflow(api, trigger={"type": "scheduled", "schedule": {"every": "daily", "time": "09:00"}},
                  conditions={"all": [{"field": "status", "op": "is", "value": "vip"}]},
                  tasks=[{"type": "update_fields", "fields": [{"field": "description",
                                                               "expr": "concat('점검 ', today())"}]}])
    assert wf["next_run_at"] == seoul(2026, 3, 2, 9, 0).astimezone(UTC).isoformat()
    api.patch(f"/api/v1/accounts/{vip['id']}", json={"representative": "홍길동"})  # a save runs nothing
    assert run_pending(app) == 0
    assert api.get(f"/api/v1/accounts/{vip['id']}").get_json()["description"] is None
    crm_clock.set_now(seoul(2026, 3, 2, 9, 0))
    assert run_pending(app) == 1
    assert api.get(f"/api/v1/accounts/{vip['id']}").get_json()["description"] == "점검 2026-03-02"
    assert api.get(f"/api/v1/accounts/{normal['id']}").get_json()["description"] is None
    assert api.get(f"/api/v1/workflows/{wf['id']}").get_json()["next_run_at"] == \
        seoul(2026, 3, 3, 9, 0).astimezone(UTC).isoformat()
    crm_clock.set_now(seoul(2026, 3, 3, 9, 0, 30))
    assert run_pending(app) == 1
    assert api.get(f"/api/v1/accounts/{vip['id']}").get_json()["description"] == "점검 2026-03-03"
    assert [r["event"] for r in runs_of(api, vip["id"])] == ["scheduled", "scheduled"]


def test_an_edited_schedule_supersedes_the_queued_run(app, api, crm_clock):
    crm_clock.set_now(seoul(2026, 3, 2, 7, 0))
    created = account(api, status="vip")
    body = {"name": "wf", "entity": "accounts", "trigger": {"type": "scheduled",
                                                            "schedule": {"every": "daily", "time": "09:00"}},
            "tasks": [{"type": "update_fields", "fields": [{"field": "description", "expr": "concat(now())"}]}]}
    wf = api.post("/api/v1/workflows/", json=body).get_json()
    body["trigger"]["schedule"]["time"] = "18:00"
    assert api._call("PUT", f"/api/v1/workflows/{wf['id']}", json=body).status_code == 200
    crm_clock.set_now(seoul(2026, 3, 2, 9, 0))
    assert run_pending(app) == 1  # the 09:00 job runs and does nothing
    assert api.get(f"/api/v1/accounts/{created['id']}").get_json()["description"] is None
    crm_clock.set_now(seoul(2026, 3, 2, 18, 0))
    assert run_pending(app) == 1
    assert api.get(f"/api/v1/accounts/{created['id']}").get_json()["description"] == "2026-03-02T09:00:00+00:00"


def test_once_workflow_with_a_date_condition_fires_when_the_day_comes(app, api, crm_clock):
    crm_clock.set_now(seoul(2026, 3, 2, 10, 0))
    assert api.post("/api/v1/meta/entities/accounts/fields",
                    json={"name": "renewal", "label": "갱신일", "type": "date"}).status_code == 201
    workflow(api, trigger={"type": "once"},
             conditions={"all": [{"field": "cf_renewal", "op": "in_less_than_days", "value": 3}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "description", "expr": "concat('갱신 임박 ', today())"}]}])
    created = account(api, cf_renewal="2026-03-10")
    assert created["description"] is None
    for day in range(3, 10):
        crm_clock.set_now(seoul(2026, 3, day, 0, 10))
        run_pending(app)
    assert api.get(f"/api/v1/accounts/{created['id']}").get_json()["description"] == "갱신 임박 2026-03-07"
    assert [r["event"] for r in runs_of(api, created["id"])] == ["recheck"]


def test_run_now_queues_a_sweep_for_the_worker(app, api):
    wf = workflow(api, trigger={"type": "scheduled", "schedule": {"every": "monthly", "day": 1}},
                  tasks=[{"type": "update_fields", "fields": [{"field": "representative", "value": "월간"}]}])
    created = account(api)
    response = api.post(f"/api/v1/workflows/{wf['id']}/run", json={})
    assert response.status_code == 202
    assert api.get(f"/api/v1/accounts/{created['id']}").get_json()["representative"] is None  # not in the request
    assert run_pending(app) == 1
    assert api.get(f"/api/v1/accounts/{created['id']}").get_json()["representative"] == "월간"
    save_trigger = workflow(api, name="on save", tasks=[])
    assert api.post(f"/api/v1/workflows/{save_trigger['id']}/run", json={}).status_code == 400
