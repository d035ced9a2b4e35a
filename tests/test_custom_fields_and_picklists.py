"""Custom fields and picklists added at run time behave like built-in fields."""
from __future__ import annotations


def test_custom_field_set_filter_sort(crm_api):
    response = crm_api.post("/api/v1/meta/entities/accounts/fields",
                            json={"name": "employees", "label": "직원 수", "type": "integer"})
    assert response.status_code == 201, response.json
    assert response.json["name"] == "cf_employees" and response.json["custom"] is True
    for name, count in (("가", 30), ("나", 5), ("다", 120)):
        assert crm_api.post("/api/v1/accounts", json={"name": name, "cf_employees": count}).status_code == 201
    listed = crm_api.get("/api/v1/accounts?cf_employees__gte=10&sort=-cf_employees").json
    assert [(a["name"], a["cf_employees"]) for a in listed["data"]] == [("다", 120), ("가", 30)]
    bad = crm_api.post("/api/v1/accounts", json={"name": "라", "cf_employees": "many"})
    assert bad.status_code == 422 and "cf_employees" in bad.json["error"]["fields"]
    meta = crm_api.get("/api/v1/meta/entities/accounts").json
    assert any(f["name"] == "cf_employees" and f["custom"] for f in meta["fields"])


def test_custom_money_date_and_picklist_fields(crm_api):
    crm_api.post("/api/v1/meta/entities/accounts/fields", json={"name": "budget", "label": "예산", "type": "money"})
    crm_api.post("/api/v1/meta/entities/accounts/fields", json={"name": "since", "label": "거래시작", "type": "date"})
    r = crm_api.post("/api/v1/meta/entities/accounts/fields",
                     json={"name": "grade", "label": "등급", "type": "picklist", "values": ["A", "B"], "required": True})
    assert r.status_code == 201
    ok = crm_api.post("/api/v1/accounts", json={"name": "x", "cf_budget": "1,500,000", "cf_since": "2025-03-01",
                                                "cf_grade": "A"})
    assert ok.status_code == 201, ok.json
    assert ok.json["cf_budget"] == "1500000.00" and ok.json["cf_since"] == "2025-03-01"
    crm_api.post("/api/v1/accounts", json={"name": "y", "cf_budget": 900, "cf_since": "2024-01-01", "cf_grade": "B"})
    assert crm_api.get("/api/v1/accounts?cf_budget__gt=1000").json["meta"]["total"] == 1
    assert crm_api.get("/api/v1/accounts?cf_since__lt=2025-01-01").json["data"][0]["name"] == "y"
    assert crm_api.get("/api/v1/accounts?cf_grade=B").json["data"][0]["name"] == "y"
    missing = crm_api.post("/api/v1/accounts", json={"name": "z"})
    assert missing.status_code == 422 and "cf_grade" in missing.json["error"]["fields"]
    unknown = crm_api.post("/api/v1/accounts", json={"name": "z", "cf_grade": "C"})
    assert unknown.status_code == 422


def test_custom_field_bad_definitions(crm_api):
    url = "/api/v1/meta/entities/accounts/fields"
    assert crm_api.post(url, json={"name": "Bad Name", "label": "x"}).status_code == 422
    assert crm_api.post(url, json={"name": "ok", "label": ""}).status_code == 422
    assert crm_api.post(url, json={"name": "ok", "label": "x", "type": "colour"}).status_code == 422
    assert crm_api.post(url, json={"name": "ok", "label": "x", "type": "picklist"}).status_code == 422
    assert crm_api.post(url, json={"name": "ok", "label": "x"}).status_code == 201
    assert crm_api.post(url, json={"name": "ok", "label": "x"}).status_code == 409


def test_custom_fields_are_admin_only(crm_app, crm_api):
    from core.testing import ApiClient, make_user

    _uid, token = make_user(crm_app, "rep@example.com")
    rep = ApiClient(crm_app.test_client(), token)
    assert rep.post("/api/v1/meta/entities/accounts/fields", json={"name": "x", "label": "x"}).status_code == 403
    assert rep.post("/api/v1/meta/picklists/account_status/values", json={"value": "x"}).status_code == 403


def test_picklist_value_added_is_accepted(crm_api):
    assert crm_api.post("/api/v1/accounts", json={"name": "a", "status": "installed"}).status_code == 422
    added = crm_api.post("/api/v1/meta/picklists/account_status/values",
                         json={"value": "installed", "labels": {"ko": "설치완료", "en": "Installed"},
                               "colour": "#00aa00"})
    assert added.status_code == 201, added.json
    assert crm_api.post("/api/v1/accounts", json={"name": "a", "status": "installed"}).status_code == 201
    values = crm_api.get("/api/v1/meta/picklists/account_status/values").json["data"]
    assert values[-1]["value"] == "installed" and values[-1]["colour"] == "#00aa00"
    off = crm_api.patch("/api/v1/meta/picklists/account_status/values/installed", json={"active": False})
    assert off.status_code == 200
    assert crm_api.post("/api/v1/accounts", json={"name": "b", "status": "installed"}).status_code == 422
    assert crm_api.post("/api/v1/meta/picklists/account_status/values",
                        json={"value": "x", "colour": "red"}).status_code == 422
    assert crm_api.get("/api/v1/meta/picklists/nothing/values").status_code == 404
