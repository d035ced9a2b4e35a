"""Finding 15 of the outside probe: input past the shared limits (core.bounds) is a 4xx naming the field,
on both databases, and writes nothing (was: 500s from OverflowError, "out of range", NUL, deep JSON)."""
from __future__ import annotations

import io
import json

import pytest

HUGE = "99999999999999999999"


def fields(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    return response.get_json()["error"].get("fields", {})


def count(api, entity):
    return api.get(f"/api/v1/{entity}").get_json()["meta"]["total"]


@pytest.mark.parametrize("who", ["admin", "rep"])
def test_huge_integers_in_paths_name_the_path_variable(crm_team, who):
    api = crm_team[who]
    for url in (f"/api/v1/accounts/{HUGE}", f"/api/v1/accounts/{2**31}", f"/api/v1/accounts/{HUGE}/notes",
                f"/api/v1/opportunities/{HUGE}/stage-history", f"/api/v1/imports/{HUGE}"):
        assert "record_id" in str(fields(api.get(url), 400)) or "_id" in str(fields(api.get(url), 400)), url
    assert "record_id" in fields(api.patch(f"/api/v1/accounts/{HUGE}", json={"name": "x"}), 400)
    assert api.get(f"/api/v1/accounts/{2**31 - 1}").status_code == 404


def test_huge_page_and_id_parameters_name_the_parameter(crm_team):
    admin = crm_team["admin"]
    assert "page" in fields(admin.get(f"/api/v1/accounts?page={HUGE}"), 400)
    assert "page" in fields(admin.get(f"/api/v1/audit?page={HUGE}"), 400)
    assert "record_id" in fields(admin.get(f"/api/v1/audit?record_id={HUGE}"), 400)
    assert "owner_id" in fields(admin.get(f"/api/v1/accounts?owner_id={HUGE}"), 400)
    assert "role_id" in fields(admin.get(f"/api/v1/users?role_id={HUGE}"), 400)
    product = admin.post("/api/v1/products", json={"name": "랙서버"}).get_json()["id"]
    assert "price_list" in fields(admin.get(f"/api/v1/products/{product}/price?price_list={HUGE}"), 422)


def test_huge_integers_in_bodies_name_the_field_and_write_nothing(crm_team):
    admin = crm_team["admin"]
    assert "owner_id" in fields(admin.post("/api/v1/accounts", json={"name": "해동", "owner_id": 10**20}), 422)
    account = admin.post("/api/v1/accounts", json={"name": "해동"}).get_json()["id"]
    assert "account_id" in fields(admin.post("/api/v1/contacts", json={"name": "김", "account_id": 10**20}), 422)
    assert "older_than_days" in fields(admin.post("/api/v1/recycle-bin/purge", json={"older_than_days": 10**20}),
                                       422)
    assert "visit_date" in fields(admin.post("/api/v1/visit_logs", json={
        "account_id": account, "visit_date": "9999-12-31", "purpose": "방문"}), 422)
    assert count(admin, "accounts") == 1 and count(admin, "contacts") == 0


@pytest.mark.parametrize("who", ["admin", "rep"])
def test_nul_in_text_is_a_422_on_both_databases(crm_team, who):
    api = crm_team[who]
    assert "name" in fields(api.post("/api/v1/accounts", json={"name": "해동\x00통신"}), 422)
    account = api.post("/api/v1/accounts", json={"name": "해동통신"}).get_json()["id"]
    assert "memo" in fields(api.patch(f"/api/v1/accounts/{account}", json={"memo": "a\x00b"}), 422)
    assert "q" in fields(api.get("/api/v1/accounts?q=%00"), 422)
    assert "body" in fields(api.post(f"/api/v1/accounts/{account}/notes", json={"body": "\x00"}), 422)
    assert api.get(f"/api/v1/accounts/{account}").get_json()["name"] == "해동통신"


def test_report_parameters_past_the_calendar(crm_team):
    admin = crm_team["admin"]
    assert "days" in fields(admin.get("/api/v1/opportunities/reports/stuck?days=99999999999"), 400)
    assert "from" in fields(admin.get("/api/v1/opportunities/reports/forecast?from=9999-01"), 400)
    assert "to" in fields(admin.get("/api/v1/opportunities/reports/forecast?to=9999-12"), 400)


def test_import_preview_parameters(crm_team):
    admin = crm_team["admin"]
    data = "상호명\n해동통신\n".encode("utf-8")

    def preview(query):
        return admin.post(f"/api/v1/imports/accounts/preview{query}", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(data), "accounts.csv")})

    assert "rows" in fields(preview("?rows=abc"), 400)
    assert "rows" in fields(preview("?rows=-5"), 400)
    assert "delimiter" in fields(preview("?delimiter=ab"), 400)
    assert preview("?rows=5").status_code == 200


def test_deeply_nested_json_is_a_400(crm_team):
    admin = crm_team["admin"]
    for depth in (100_000, 40):
        body = "[" * depth + "]" * depth
        response = admin.client.post("/api/v1/accounts", data=body, content_type="application/json",
                                     headers={"Authorization": f"Bearer {admin.token}"})
        assert response.status_code == 400, depth
    nested = {"name": "해동"}
    for _ in range(40):
        nested = {"x": nested}
    assert admin.post("/api/v1/accounts", json=nested).status_code == 400
    assert json.loads(admin.get("/api/v1/accounts").get_data())["meta"]["total"] == 0


@pytest.mark.parametrize("body", ["{{ range(10**7)|list|length }}", "{{ 'x' * 10**9 }}",
                                  "{% for i in range(9999) %}{{ 'abcdefghij' * 9999 }}{% endfor %}"])
def test_visit_templates_are_evaluated_within_limits(crm_team, body):
    admin = crm_team["admin"]
    template = admin.post("/api/v1/visit_templates", json={"name": "폭탄", "body": body}).get_json()["id"]
    account = admin.post("/api/v1/accounts", json={"name": "해동통신"}).get_json()["id"]
    response = admin.post("/api/v1/visit_logs", json={"account_id": account, "visit_date": "2026-11-02",
                                                       "purpose": "방문", "template_id": template})
    assert "template_id" in fields(response, 422)
    assert count(admin, "visit_logs") == 0


def test_limit_messages_are_translated(crm_team):
    admin = crm_team["admin"]
    ko = admin.get(f"/api/v1/accounts/{HUGE}", headers={"Accept-Language": "ko"}).get_json()["error"]
    zh = admin.get(f"/api/v1/accounts/{HUGE}", headers={"Accept-Language": "zh-Hans"}).get_json()["error"]
    en = admin.get(f"/api/v1/accounts/{HUGE}", headers={"Accept-Language": "en"}).get_json()["error"]
    assert len({ko["fields"]["record_id"], zh["fields"]["record_id"], en["fields"]["record_id"]}) == 3
    nul = admin.post("/api/v1/accounts", json={"name": "\x00"}, headers={"Accept-Language": "ko"}).get_json()
    assert nul["error"]["fields"]["name"] != "Must not contain NUL characters."


def test_exports_survive_control_characters_in_values_and_labels(crm_team):
    """Found by the fuzzer: a value or a custom field's label with a control character made the xlsx export a 500."""
    admin = crm_team["admin"]
    assert admin.post("/api/v1/meta/entities/accounts/fields",
                      json={"name": "cf_note", "label": "메모\x01", "type": "text"}).status_code == 201
    assert admin.post("/api/v1/accounts", json={"name": "해동\x02통신", "cf_note": "a\x1bb"}).status_code == 201
    response = admin.get("/api/v1/exports/accounts?format=xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"


@pytest.mark.parametrize("url, body, field", [
    ("/api/v1/roles", {"name": "r", "label": "R", "parent_id": 140737488355329}, "parent_id"),
    ("/api/v1/users", {"email": "big@example.com", "name": "B", "password": "a-long-passphrase-9",
                       "role_id": 2**40}, "role_id"),
])
def test_ids_in_bodies_past_the_integer_column_name_no_record(crm_api, url, body, field):
    """Found by the fuzzer on PostgreSQL: an id past 2**31 in a body was "integer out of range" (500)."""
    response = crm_api.post(url, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
