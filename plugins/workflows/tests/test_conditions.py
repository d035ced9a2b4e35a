"""Condition operators per field type (custom fields included), change operators, referenced fields."""
from __future__ import annotations

import datetime as dt

import pytest

from plugins.workflows.tests.conftest import account, runs_of, workflow


@pytest.fixture
def custom_fields(api):
    for name, kind in (("deal_size", "money"), ("since", "date"), ("hot", "boolean"), ("seats", "integer"),
                       ("met", "datetime")):
        response = api.post("/api/v1/meta/entities/accounts/fields", json={"name": name, "label": name, "type": kind})
        assert response.status_code == 201, response.get_json()


@pytest.fixture
def record(api, custom_fields, crm_clock, admin):
    crm_clock.set_now(dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc))  # 12:00 in Seoul
    return account(api, name="해동통신", status="vip", industry="it", email="info@haedong.co.kr",
                   cf_deal_size="15000000", cf_since="2026-03-05", cf_hot=True, cf_seats=12,
                   cf_met="2026-03-01T23:30:00+09:00")


def matches(api, record, condition, changes=None, group="all") -> bool:
    definition = {"name": "t", "entity": record.get("_entity", "accounts"), "trigger": {"type": "save"},
                  "conditions": {group: [condition]}}
    response = api.post("/api/v1/workflows/test", json={"definition": definition, "record_id": record["id"],
                                                         "changes": changes})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["matched"]


@pytest.mark.parametrize("condition, expected", [
    # text
    ({"field": "name", "op": "is", "value": "해동통신"}, True),
    ({"field": "name", "op": "is_not", "value": "해동통신"}, False),
    ({"field": "name", "op": "contains", "value": "동통"}, True),
    ({"field": "name", "op": "not_contains", "value": "동통"}, False),
    ({"field": "name", "op": "starts_with", "value": "해동"}, True),
    ({"field": "email", "op": "ends_with", "value": "CO.KR"}, True),
    ({"field": "representative", "op": "is_empty"}, True),
    ({"field": "name", "op": "is_not_empty"}, True),
    # numbers / money (custom)
    ({"field": "cf_deal_size", "op": "gt", "value": "10,000,000"}, True),
    ({"field": "cf_deal_size", "op": "gte", "value": 15000000}, True),
    ({"field": "cf_deal_size", "op": "lt", "value": 15000000}, False),
    ({"field": "cf_deal_size", "op": "lte", "value": 15000000}, True),
    ({"field": "cf_seats", "op": "eq", "value": 12}, True),
    ({"field": "cf_seats", "op": "ne", "value": 12}, False),
    # picklist
    ({"field": "status", "op": "is", "value": "vip"}, True),
    ({"field": "status", "op": "is_not", "value": "vip"}, False),
    ({"field": "industry", "op": "in", "value": ["manufacturing", "it"]}, True),
    # dates (today is 2026-03-02 in Seoul)
    ({"field": "cf_since", "op": "is", "value": "2026-03-05"}, True),
    ({"field": "cf_since", "op": "before", "value": "2026-03-05"}, False),
    ({"field": "cf_since", "op": "after", "value": "2026-03-01"}, True),
    ({"field": "cf_since", "op": "between", "value": ["2026-03-01", "2026-03-31"]}, True),
    ({"field": "cf_since", "op": "is_today"}, False),
    ({"field": "cf_met", "op": "is_today"}, False),
    ({"field": "cf_met", "op": "is", "value": "2026-03-01"}, True),
    ({"field": "cf_since", "op": "in_less_than_days", "value": 3}, True),
    ({"field": "cf_since", "op": "in_less_than_days", "value": 2}, False),
    ({"field": "cf_since", "op": "in_more_than_days", "value": 2}, True),
    ({"field": "cf_met", "op": "less_than_days_ago", "value": 1}, True),
    ({"field": "cf_met", "op": "more_than_days_ago", "value": 0}, True),
    ({"field": "cf_met", "op": "more_than_days_ago", "value": 1}, False),
    # boolean
    ({"field": "cf_hot", "op": "is_true"}, True),
    ({"field": "cf_hot", "op": "is_false"}, False),
    # owner
    ({"field": "owner_id", "op": "is", "value": 1}, True),
    ({"field": "owner_id", "op": "is_not", "value": 1}, False),
])
def test_operator_families(api, record, condition, expected):
    assert matches(api, record, condition) is expected


def test_all_and_any_groups(api, record):
    definition = {"name": "t", "entity": "accounts", "trigger": "save", "conditions": {
        "all": [{"field": "status", "op": "is", "value": "vip"}],
        "any": [{"field": "industry", "op": "is", "value": "public"}, {"field": "cf_hot", "op": "is_true"}]}}
    result = api.post("/api/v1/workflows/test", json={"definition": definition, "record_id": record["id"]}).get_json()
    assert result["matched"] is True
    assert [c["held"] for c in result["conditions"]["any"]] == [False, True]
    definition["conditions"]["any"][1]["op"] = "is_false"
    result = api.post("/api/v1/workflows/test", json={"definition": definition, "record_id": record["id"]}).get_json()
    assert result["matched"] is False and result["tasks"] == []


def test_reference_fields_and_referenced_record_fields(api, record):
    contact = api.post("/api/v1/contacts", json={"name": "김담당", "account_id": record["id"]}).get_json()
    lonely = api.post("/api/v1/contacts", json={"name": "박무소속"}).get_json()
    for item in (contact, lonely):
        item["_entity"] = "contacts"
    assert matches(api, contact, {"field": "account.industry", "op": "is", "value": "it"}) is True
    assert matches(api, contact, {"field": "account_id.status", "op": "is", "value": "normal"}) is False
    assert matches(api, contact, {"field": "account_id", "op": "is_set"}) is True
    assert matches(api, lonely, {"field": "account_id", "op": "is_empty"}) is True
    assert matches(api, lonely, {"field": "account.industry", "op": "is", "value": "it"}) is False


def test_change_operators_in_the_dry_run(api, record):
    assert matches(api, record, {"field": "status", "op": "has_changed"}) is False
    assert matches(api, record, {"field": "status", "op": "has_changed"}, {"status": "normal"}) is True
    assert matches(api, record, {"field": "status", "op": "changed_to", "value": "normal"}, {"status": "normal"})
    assert not matches(api, record, {"field": "status", "op": "changed_to", "value": "partner"}, {"status": "normal"})
    assert matches(api, record, {"field": "status", "op": "changed_from", "value": "vip"}, {"status": "normal"})
    assert not matches(api, record, {"field": "status", "op": "changed_from", "value": "normal"}, {"status": "partner"})
    assert matches(api, record, {"field": "cf_deal_size", "op": "has_changed"}, {"cf_deal_size": "1"})


def test_change_operators_fire_on_real_saves(api, custom_fields):
    workflow(api, name="to vip", conditions={"all": [{"field": "status", "op": "changed_to", "value": "vip"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "representative", "value": "VIP 승격"}]}])
    workflow(api, name="from vip", conditions={"all": [{"field": "status", "op": "changed_from", "value": "vip"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "representative", "value": "VIP 해제"}]}])
    workflow(api, name="size", conditions={"all": [{"field": "cf_deal_size", "op": "has_changed"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "address", "expr": "concat('규모 ', cf_deal_size)"}]}])
    created = account(api, status="prospect")
    assert created["representative"] is None and created["address"] is None
    url = f"/api/v1/accounts/{created['id']}"
    assert api.patch(url, json={"status": "vip"}).get_json()["representative"] == "VIP 승격"
    assert api.patch(url, json={"name": "다른 이름"}).get_json()["representative"] == "VIP 승격"
    assert api.patch(url, json={"status": "normal"}).get_json()["representative"] == "VIP 해제"
    assert api.patch(url, json={"cf_deal_size": "5000"}).get_json()["address"] == "규모 5000"
    fired = [r["workflow"] for r in reversed(runs_of(api, created["id"]))]
    assert fired == ["to vip", "from vip", "size"]


def test_run_log_explains_misses_when_asked(api):
    workflow(api, name="logged", log_all=True,
             conditions={"all": [{"field": "status", "op": "is", "value": "vip"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "representative", "value": "x"}]}])
    created = account(api, status="normal")
    [run] = runs_of(api, created["id"])
    assert run["matched"] is False and run["tasks"] == []
    assert run["conditions"]["all"] == [{"field": "status", "op": "is", "value": "vip", "actual": "normal",
                                         "held": False}]
