"""Duplicate handling (skip, update, merge) by chosen match fields, and undo of the last import."""
from __future__ import annotations

from test_importexport_support import accounts, csv_bytes, upload, xlsx_bytes

EXISTING = [["Account name", "business_number", "Representative", "Phone", "Address"],
            ["해동통신", "1234567891", "김대표", None, "서울"],
            ["대한물산", "2208162517", None, "031-765-4321", None]]
INCOMING = [["Account name", "business_number", "Representative", "Phone"],
            ["해동통신(신)", "123-45-67891", "박대표", "02-111-2222"],
            ["대한물산", "2208162517", "이대표", "031-000-0000"],
            ["새회사", "1000000014", "최대표", None]]


def seed(api):
    response = upload(api, "accounts", xlsx_bytes(EXISTING), "existing.xlsx")
    assert response.json["created"] == 2, response.json
    return response.json


def by_name(api):
    return {a["name"]: a for a in accounts(api)}


def test_skip_is_the_default_and_matches_on_the_unique_business_number(crm_api):
    seed(crm_api)
    response = upload(crm_api, "accounts", xlsx_bytes(INCOMING), "in.xlsx")
    assert (response.json["created"], response.json["skipped"], response.json["updated"]) == (1, 2, 0)
    assert response.json["options"]["match"] == ["business_number"]
    names = by_name(crm_api)
    assert set(names) == {"해동통신", "대한물산", "새회사"} and names["해동통신"]["representative"] == "김대표"


def test_update_overwrites_the_fields_in_the_file(crm_api):
    seed(crm_api)
    response = upload(crm_api, "accounts", xlsx_bytes(INCOMING), "in.xlsx", on_duplicate="update")
    assert (response.json["created"], response.json["updated"], response.json["skipped"]) == (1, 2, 0)
    names = by_name(crm_api)
    assert names["해동통신(신)"]["representative"] == "박대표" and names["해동통신(신)"]["address"] == "서울"
    assert names["대한물산"]["representative"] == "이대표" and names["대한물산"]["phone"] == "031-000-0000"
    history = crm_api.get(f"/api/v1/accounts/{names['대한물산']['id']}/history").json["data"]
    assert history[-1]["action"] == "update" and history[-1]["changes"]["representative"] == [None, "이대표"]


def test_merge_fills_only_empty_fields(crm_api):
    seed(crm_api)
    response = upload(crm_api, "accounts", xlsx_bytes(INCOMING), "in.xlsx", on_duplicate="merge")
    assert (response.json["created"], response.json["updated"]) == (1, 2)
    names = by_name(crm_api)
    assert names["해동통신"]["representative"] == "김대표"  # kept
    assert names["해동통신"]["phone"] == "02-111-2222"  # was empty: filled
    assert names["대한물산"]["representative"] == "이대표" and names["대한물산"]["phone"] == "031-765-4321"


def test_match_on_chosen_fields_and_duplicates_inside_one_file(crm_api):
    seed(crm_api)
    rows = [["Account name", "Representative"], ["해동통신", "정대표"], ["해동통신", "한대표"], ["신규", "A"],
            ["신규", "B"]]
    response = upload(crm_api, "accounts", csv_bytes(rows), "in.csv", on_duplicate="update", match="name")
    assert (response.json["created"], response.json["updated"]) == (1, 3), response.json
    names = by_name(crm_api)
    assert names["해동통신"]["representative"] == "한대표" and names["신규"]["representative"] == "B"
    assert len(names) == 3
    bad = upload(crm_api, "accounts", csv_bytes(rows), "in.csv", on_duplicate="replace", match="nothing")
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"on_duplicate", "match"}


def test_dry_run_reports_without_writing(crm_api):
    seed(crm_api)
    response = upload(crm_api, "accounts", xlsx_bytes(INCOMING), "in.xlsx", on_duplicate="update", dry_run="1")
    assert response.status_code == 200
    assert response.json["summary"]["created"] == 1 and response.json["summary"]["updated"] == 2
    assert set(by_name(crm_api)) == {"해동통신", "대한물산"}


def test_undo_removes_created_and_restores_updated(crm_api):
    seed(crm_api)
    before = by_name(crm_api)
    response = upload(crm_api, "accounts", xlsx_bytes(INCOMING), "in.xlsx", on_duplicate="update")
    import_id = response.json["id"]
    undone = crm_api.post(f"/api/v1/imports/{import_id}/undo")
    assert undone.status_code == 200, undone.json
    assert (undone.json["removed"], undone.json["restored"], undone.json["kept"]) == (1, 2, 0)
    after = by_name(crm_api)
    assert set(after) == {"해동통신", "대한물산"}
    for name in after:
        for field in ("representative", "phone", "business_number", "address"):
            assert after[name][field] == before[name][field], (name, field)
    assert crm_api.get(f"/api/v1/imports/{import_id}").json["status"] == "undone"
    again = crm_api.post(f"/api/v1/imports/{import_id}/undo")
    assert again.status_code == 409
    # the same file imports again after an undo (no leftovers hold its unique values)
    assert upload(crm_api, "accounts", xlsx_bytes(INCOMING), "in.xlsx").json["created"] == 1


def test_undo_keeps_records_edited_after_the_import(crm_api):
    seed(crm_api)
    response = upload(crm_api, "accounts", xlsx_bytes(INCOMING), "in.xlsx", on_duplicate="update")
    names = by_name(crm_api)
    crm_api.patch(f"/api/v1/accounts/{names['대한물산']['id']}", json={"representative": "손대표"})
    undone = crm_api.post(f"/api/v1/imports/{response.json['id']}/undo").json
    assert (undone["removed"], undone["restored"], undone["kept"]) == (1, 1, 1)
    assert by_name(crm_api)["대한물산"]["representative"] == "손대표"


def test_only_the_importer_or_an_administrator_may_undo(crm_app, crm_api):
    from core.testing import ApiClient, make_user

    _uid, token = make_user(crm_app, "rep@example.com", role="sales")
    rep = ApiClient(crm_app.test_client(), token)
    mine = upload(rep, "accounts", xlsx_bytes([["Account name"], ["영업회사"]]), "r.xlsx").json
    admins = upload(crm_api, "accounts", xlsx_bytes([["Account name"], ["관리회사"]]), "a.xlsx").json
    assert rep.post(f"/api/v1/imports/{admins['id']}/undo").status_code == 404
    assert rep.get(f"/api/v1/imports/{admins['id']}").status_code == 404
    assert [b["id"] for b in rep.get("/api/v1/imports").json["data"]] == [mine["id"]]
    assert crm_api.post(f"/api/v1/imports/{mine['id']}/undo").status_code == 200
    assert [a["name"] for a in accounts(crm_api)] == ["관리회사"]


def test_undo_of_created_accounts_leaves_referencing_contacts_without_an_account(crm_api):
    created = seed(crm_api)
    contact = crm_api.post("/api/v1/contacts", json={"name": "김철수", "account_id": by_name(crm_api)["해동통신"]["id"]})
    assert contact.status_code == 201, contact.json
    assert crm_api.post(f"/api/v1/imports/{created['id']}/undo").status_code == 200
    assert crm_api.get(f"/api/v1/contacts/{contact.json['id']}").json["account_id"] is None
    history = crm_api.get(f"/api/v1/accounts").json
    assert history["meta"]["total"] == 0
