"""A plugin's expression functions in workflow conditions (the shapes docs/plugins.md promises).

The test suite's example plugin ``uitest`` contributes ``days_until(date)``, a plain callable.
"""
from __future__ import annotations

import datetime as dt

import pytest

from core.testing import ApiClient, make_user
from tests.browser.support import PLUGINS_DIR


@pytest.fixture
def api(crm_app_factory, crm_clock):
    crm_clock.set_now(dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc))  # 2026-03-02 12:00 in Seoul
    app = crm_app_factory(plugins=["uitest", "workflows"], plugins_dir=str(PLUGINS_DIR))
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


@pytest.fixture
def gadget(api):
    response = api.post("/api/v1/gadgets", json={"name": "측정기", "due": "2026-03-12", "price": "300000"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def dry_run(api, gadget, condition, changes=None):
    definition = {"name": "t", "entity": "gadgets", "trigger": {"type": "save"}, "conditions": {"all": [condition]}}
    return api.post("/api/v1/workflows/test", json={"definition": definition, "record_id": gadget["id"],
                                                    "changes": changes})


@pytest.mark.parametrize("condition, expected", [
    ({"expr": "days_until(due) < 30"}, True),                                      # a true/false expression
    ({"expr": "days_until(due) = 10 and price > 100000"}, True),
    ({"expr": "days_until(due)", "op": "lt", "value": 10}, False),                # the result compared
    ({"expr": "days_until(due)", "op": "gte", "value": "10"}, True),
    ({"field": "days_until(due)", "op": "eq", "value": 10}, True),                # written where a field goes
    ({"expr": "days_until(seen_at)", "op": "is_empty"}, True),                    # no date: no value
    ({"expr": "days_until(due)", "op": "is_not_empty"}, True),
    ({"field": "due", "op": "before", "value": {"expr": "add_days(today(), days_until(due) + 1)"}}, True),
    ({"field": "price", "op": "gt", "value": {"expr": "days_until(due) * 100000"}}, False),  # computed value
])
def test_function_condition_shapes(api, gadget, condition, expected):
    response = dry_run(api, gadget, condition)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["matched"] is expected
    [explained] = response.get_json()["conditions"]["all"]
    assert explained["held"] is expected


def test_a_function_condition_watches_changes_and_fires_on_save(api, gadget):
    assert dry_run(api, gadget, {"expr": "days_until(due)", "op": "has_changed"}).get_json()["matched"] is False
    moved = dry_run(api, gadget, {"expr": "days_until(due)", "op": "changed_to", "value": 3}, {"due": "2026-03-05"})
    assert moved.get_json()["matched"] is True
    assert moved.get_json()["conditions"]["all"][0]["actual"] == {"from": "10", "to": "3"}
    response = api.post("/api/v1/workflows/", json={
        "name": "urgent", "entity": "gadgets", "trigger": {"type": "save"},
        "conditions": {"all": [{"expr": "days_until(due) <= 7"}]},
        "tasks": [{"type": "update_fields", "fields": [{"field": "note", "value": "급함"}]}]})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["requires"] == ["uitest"]
    changed = api.patch(f"/api/v1/gadgets/{gadget['id']}", json={"due": "2026-03-06"}).get_json()
    assert changed["note"] == "급함"


@pytest.mark.parametrize("condition, key", [
    ({"expr": "days_until(due"}, "conditions.all[0].expr"),                 # syntax, with its position
    ({"expr": "no_such_function(due) < 3"}, "conditions.all[0].expr"),
    ({"expr": "price * 2"}, "conditions.all[0].op"),                        # a number is not true or false
    ({"field": "days_until(due)", "op": "lt"}, "conditions.all[0].value"),
    ({"expr": "days_until(due)", "op": "lt", "value": "soon"}, "conditions.all[0].value"),
    ({"expr": "price * 2", "op": "contains", "value": "3"}, "conditions.all[0].op"),
    ({"field": "due", "op": "in_less_than_days", "value": {"expr": "days_until(due)"}}, "conditions.all[0].value"),
])
def test_bad_function_conditions_are_refused_with_the_place(api, gadget, condition, key):
    response = dry_run(api, gadget, condition)
    assert response.status_code == 422, response.get_json()
    assert key in response.get_json()["error"]["fields"]
