"""Bad definitions are refused when saved, with a clear message per part, and nothing is stored."""
from __future__ import annotations

import pytest

from core import secret_values

from plugins.workflows.tests.conftest import workflow

BASE = {"name": "wf", "entity": "accounts", "trigger": {"type": "save"}, "conditions": {}, "tasks": []}
UPDATE = {"type": "update_fields", "fields": [{"field": "description", "value": "x"}]}


def refused(api, lang="en", **changes) -> dict:
    body = {**BASE, **changes}
    response = api.post(f"/api/v1/workflows/?lang={lang}", json=body)
    assert response.status_code == 422, response.get_json()
    assert api.get("/api/v1/workflows/").get_json()["data"] == []  # nothing stored
    return response.get_json()["error"]["fields"]


@pytest.mark.parametrize("changes, key, message", [
    ({"conditions": {"all": [{"field": "nope", "op": "is", "value": "x"}]}}, "conditions.all[0].field",
     "Unknown field nope"),
    ({"conditions": {"any": [{"field": "name", "op": "gt", "value": "x"}]}}, "conditions.any[0].op",
     "Unknown operator gt"),
    ({"conditions": {"all": [{"field": "account.industry", "op": "is", "value": "it"}]}},
     "conditions.all[0].field", "Unknown field account.industry"),
    ({"conditions": {"all": [{"field": "status", "op": "in", "value": "vip"}]}}, "conditions.all[0].value",
     "list of values"),
    ({"tasks": [{"type": "update_fields", "fields": [{"field": "nope", "value": 1}]}]}, "tasks[0].fields[0].field",
     "Unknown field nope"),
    ({"tasks": [{"type": "update_fields", "fields": [{"field": "description", "expr": "concat(name,"}]}]},
     "tasks[0].fields[0].expr", "Expected a value but found the end. (at character 13)"),
    ({"tasks": [{"type": "update_fields", "fields": [{"field": "description", "expr": "name * 2"}]}]},
     "tasks[0].fields[0].expr", "Expected a number but this is text. (at character 1)"),
    ({"tasks": [{"type": "update_fields", "fields": [{"field": "name", "expr": "1 > 2"}]}]},
     "tasks[0].fields[0].expr", "name needs text but the expression gives true/false"),
    ({"tasks": [{"type": "update_fields", "fields": [{"field": "id", "value": 3}]}]}, "tasks[0].fields[0].field",
     "id cannot be written"),
    ({"tasks": [{"type": "send_email", "recipients": {"addresses": ["not-an-address"]}, "subject": "s",
                 "body": "b"}]}, "tasks[0].recipients.addresses", "Not a valid email address"),
    ({"tasks": [{"type": "send_email", "recipients": {"roles": ["pilot"]}, "subject": "s", "body": "b"}]},
     "tasks[0].recipients.roles", "No role named pilot"),
    ({"tasks": [{"type": "send_email", "recipients": {"owner": True}, "subject": "{{ record.name ",
                 "body": "b"}]}, "tasks[0].subject", "Template error on line 1"),
    ({"tasks": [{"type": "send_email", "recipients": {"owner": True}, "subject": "{{ secrets }}",
                 "body": "b"}]}, "tasks[0].subject", "Unknown merge field secrets"),
    ({"tasks": [{"type": "webhook", "url": "ftp://x", "secret": "0123456789abcdef"}]}, "tasks[0].url", "http"),
    ({"tasks": [{"type": "webhook", "url": "http://x", "secret": "short"}]}, "tasks[0].secret", "16 characters"),
    ({"tasks": [{"type": "create_record", "entity": "contacts", "fields": [{"field": "email", "value": "a@b.co"}]}]},
     "tasks[0].fields", "Required fields are missing: name"),
    ({"tasks": [{"type": "teleport"}]}, "tasks[0].type", "Unknown task type teleport"),
    ({"tasks": [{**UPDATE, "delay": {"days": 1, "after_field": "name"}}]}, "tasks[0].delay.after_field",
     "not a date field"),
    ({"trigger": {"type": "scheduled", "schedule": {"every": "weekly", "days": ["funday"]}}},
     "trigger.schedule.days", "Choose days"),
    ({"trigger": {"type": "scheduled", "schedule": {"every": "daily", "time": "25:00"}}},
     "trigger.schedule.time", "HH:MM"),
    ({"trigger": {"type": "scheduled", "schedule": {"every": "daily"}},
      "conditions": {"all": [{"field": "status", "op": "has_changed"}]}}, "conditions.all[0].op",
     "saved"),
    ({"trigger": {"type": "sometimes"}}, "trigger.type", "Choose one of"),
    ({"entity": "spaceships"}, "entity", "Unknown entity"),
])
def test_bad_definitions_are_refused(api, changes, key, message):
    fields = refused(api, **changes)
    assert key in fields, fields
    assert message in fields[key], fields[key]


def test_errors_come_in_the_users_language(api):
    fields = refused(api, lang="ko", conditions={"all": [{"field": "nope", "op": "is", "value": 1}]})
    assert fields["conditions.all[0].field"] == "알 수 없는 필드 nope."


def test_two_workflows_feeding_each_other_are_a_recursive_update_loop(api):
    workflow(api, name="A", conditions={"all": [{"field": "address", "op": "has_changed"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "description", "expr": "concat(address, '!')"}]}])
    response = api.post("/api/v1/workflows/?lang=en", json={**BASE, "name": "B", "conditions": {"all": [
        {"field": "description", "op": "has_changed"}]}, "tasks": [{"type": "update_fields", "fields": [
            {"field": "address", "expr": "concat(description, '?')"}]}]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["tasks"] == \
        "Recursive update loop: B → A → B would trigger each other without end."


def test_creating_records_that_create_records_is_a_loop(api):
    response = api.post("/api/v1/workflows/?lang=en", json={**BASE, "trigger": {"type": "create"}, "tasks": [
        {"type": "create_record", "entity": "accounts", "fields": [{"field": "name", "expr": "concat(name, '+')"}]}]})
    assert response.status_code == 422
    assert "Recursive update loop: wf → wf" in response.get_json()["error"]["fields"]["tasks"]
    workflow(api, name="contact follow-up", trigger={"type": "create"}, tasks=[
        {"type": "create_record", "entity": "contacts", "fields": [{"field": "name", "value": "대표 담당자"},
                                                                   {"field": "account_id", "expr": "id"}]}])
    response = api.post("/api/v1/workflows/?lang=en", json={**BASE, "entity": "contacts",
                                                            "trigger": {"type": "create"}, "tasks": [
        {"type": "create_record", "entity": "accounts", "fields": [{"field": "name", "value": "새 고객사"}]}]})
    assert response.status_code == 422
    assert "contact follow-up" in response.get_json()["error"]["fields"]["tasks"]


def test_a_delayed_update_on_every_save_would_save_forever(api):
    fields = refused(api, tasks=[{**UPDATE, "delay": {"hours": 1}}])
    assert "Recursive update loop" in fields["tasks"]


def test_only_administrators_manage_workflows(app, api):
    from core.testing import ApiClient, make_user

    _uid, token = make_user(app, "rep@example.com", role="manager")
    rep = ApiClient(app.test_client(), token)
    assert rep.post("/api/v1/workflows/", json=BASE).status_code == 403
    assert rep.get("/api/v1/workflows/").status_code == 403
    assert api.post("/api/v1/workflows/", data="nope", headers={"Content-Type": "text/plain"}).status_code == 400


def test_edit_keeps_webhook_secret_and_masks_it(api):
    wf = workflow(api, tasks=[{"type": "webhook", "url": "http://127.0.0.1:9/x", "secret": "s" * 20}])
    assert wf["tasks"][0]["secret"] == "********"
    wf["name"] = "renamed"
    response = api.put(f"/api/v1/workflows/{wf['id']}", json=wf) if hasattr(api, "put") else \
        api._call("PUT", f"/api/v1/workflows/{wf['id']}", json=wf)
    assert response.status_code == 200, response.get_json()
    from core.db import session
    from plugins.workflows.models import Workflow

    with api.client.application.app_context():
        stored = session().get(Workflow, wf["id"]).tasks[0]["secret"]
        assert secret_values.reveal(stored, "webhook secret") == "s" * 20
    assert secret_values.is_sealed(stored) and "s" * 20 not in str(stored)


def test_meta_lists_triggers_operators_task_types_and_functions(api):
    meta = api.get("/api/v1/workflows/meta?lang=ko").get_json()
    assert meta["triggers"] == ["create", "save", "modify", "once", "scheduled", "manual"]
    assert meta["operators"]["money"][:6] == ["eq", "ne", "lt", "lte", "gt", "gte"]
    assert {"has_changed", "changed_to", "changed_from"} <= set(meta["operators"]["date"])
    assert meta["task_types"]["send_email"] == "이메일 보내기"
    assert {"concat", "substring", "upper", "lower", "round", "add_days", "days_between", "today", "now"} <= \
        set(meta["functions"])
