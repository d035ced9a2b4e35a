"""Importing from xlsx, csv (every encoding, any delimiter) and plugin formats, with automatic mapping."""
from __future__ import annotations

import io

import openpyxl

from test_importexport_support import HEADERS, accounts, csv_bytes, preview, upload, xlsx_bytes

ROWS = [HEADERS,
        ["(주)해동통신", "123-45-67891", "VIP", "02-123-4567", "info@haedong.kr"],
        ["대한물산", "2208162517", "잠재고객", "031-765-4321", None]]
KO_ROWS = [["Account name", "Status", "Address"], ["해동통신", "협력사", "서울특별시 강남구 테헤란로 1"]]
ZH_ROWS = [["Account name", "Status", "Address"], ["上海贸易有限公司", "合作伙伴", "上海市浦东新区世纪大道88号"]]


def add_custom_field(api, **body):
    response = api.post("/api/v1/meta/entities/accounts/fields", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_xlsx_with_picklist_labels_numbering_and_audit(crm_api):
    response = upload(crm_api, "accounts", xlsx_bytes(ROWS), "고객.xlsx")
    assert response.status_code == 201, response.json
    assert response.json["created"] == 2 and response.json["rejected"] == 0
    data = accounts(crm_api)
    assert [a["name"] for a in data] == ["(주)해동통신", "대한물산"]
    assert data[0]["status"] == "vip" and data[1]["status"] == "prospect"
    assert data[1]["business_number"] == "220-81-62517"
    assert all(a["number"].startswith("ACC-") for a in data) and data[0]["number"] != data[1]["number"]
    history = crm_api.get(f"/api/v1/accounts/{data[0]['id']}/history").json["data"]
    assert history[0]["action"] == "create" and history[0]["changes"]["name"] == [None, "(주)해동통신"]
    # the full-text search finds imported records like created ones (search text is built)
    assert crm_api.get("/api/v1/accounts", query_string={"q": "해동"}).json["meta"]["total"] == 1


def test_csv_utf8_with_and_without_bom(crm_api):
    plain = upload(crm_api, "accounts", csv_bytes(KO_ROWS), "a.csv")
    assert plain.status_code == 201 and plain.json["created"] == 1, plain.json
    bom = upload(crm_api, "accounts", b"\xef\xbb\xbf" + csv_bytes(ZH_ROWS), "b.csv")
    assert bom.status_code == 201 and bom.json["created"] == 1, bom.json
    assert bom.json["options"]["encoding"] == "utf-8-sig"
    names = {a["name"]: a for a in accounts(crm_api)}
    assert names["해동통신"]["address"] == "서울특별시 강남구 테헤란로 1" and names["해동통신"]["status"] == "partner"
    assert names["上海贸易有限公司"]["status"] == "partner"


def test_csv_cp949_and_gb18030_are_detected(crm_api):
    korean = upload(crm_api, "accounts", csv_bytes(KO_ROWS, "cp949"), "korean.csv")
    assert korean.status_code == 201, korean.json
    assert korean.json["options"]["encoding"] == "cp949"
    chinese = upload(crm_api, "accounts", csv_bytes(ZH_ROWS, "gb18030"), "chinese.csv")
    assert chinese.status_code == 201, chinese.json
    assert chinese.json["options"]["encoding"] == "gb18030"
    names = {a["name"] for a in accounts(crm_api)}
    assert {"해동통신", "上海贸易有限公司"} <= names


def test_csv_encoding_can_be_chosen(crm_api):
    chosen = upload(crm_api, "accounts", csv_bytes(KO_ROWS, "euc-kr"), "korean.csv", encoding="euc-kr")
    assert chosen.status_code == 201, chosen.json
    assert accounts(crm_api)[0]["address"] == "서울특별시 강남구 테헤란로 1"
    wrong = upload(crm_api, "accounts", csv_bytes(KO_ROWS, "cp949"), "korean.csv", encoding="utf-8")
    assert wrong.status_code == 400 and "utf-8" in wrong.json["error"]["message"]
    unknown = upload(crm_api, "accounts", csv_bytes(KO_ROWS), "k.csv", encoding="klingon")
    assert unknown.status_code == 400 and unknown.json["error"]["fields"]["encoding"]
    assert len(accounts(crm_api)) == 1


def test_csv_delimiter_is_sniffed(crm_api):
    for delimiter, name in ((";", "semi.csv"), ("\t", "tabs.txt"), ("|", "pipes.csv")):
        rows = [["Account name", "Phone"], [f"회사{name}", "02-555-0101"]]
        response = upload(crm_api, "accounts", csv_bytes(rows, delimiter=delimiter), name)
        assert response.status_code == 201 and response.json["created"] == 1, (name, response.json)
    assert all(a["phone"] == "02-555-0101" for a in accounts(crm_api))


def test_headers_match_custom_field_labels_in_every_language_and_owner_by_email(crm_app, crm_api):
    from core.testing import make_user

    add_custom_field(crm_api, name="employees", label="Employees", type="integer",
                     labels={"ko": "직원 수", "zh_Hans": "员工人数", "en": "Employees"})
    add_custom_field(crm_api, name="grade", label="Grade", type="picklist",
                     values=[{"value": "a", "labels": {"ko": "에이급", "zh_Hans": "甲级", "en": "Grade A"}},
                             {"value": "b", "labels": {"ko": "비급", "zh_Hans": "乙级", "en": "Grade B"}}])
    make_user(crm_app, "kim@example.com", role="sales", name="김영업")
    rows = [["Account name", "직원 수", "Grade", "담당자"], ["해동", "1,200", "에이급", "kim@example.com"],
            ["上海", "35", "乙级", "김영업"]]
    response = upload(crm_api, "accounts", xlsx_bytes(rows), "c.xlsx")
    assert response.status_code == 201 and response.json["created"] == 2, response.json
    zh = upload(crm_api, "accounts", csv_bytes([["Account name", "员工人数"], ["北京", "7"]]), "z.csv")
    assert zh.json["created"] == 1
    data = accounts(crm_api)
    assert [(a["cf_employees"], a.get("cf_grade")) for a in data] == [(1200, "a"), (35, "b"), (7, None)]
    owner = crm_api.get("/api/v1/users", query_string={"q": "kim"}).json
    kim_id = next(u["id"] for u in owner["data"] if u["email"] == "kim@example.com")
    assert data[0]["owner_id"] == kim_id and data[1]["owner_id"] == kim_id


def test_references_by_name_or_business_number_and_amount_formats(crm_api):
    add_custom_field(crm_api, name="credit", label="Credit", type="money")
    made = upload(crm_api, "accounts", xlsx_bytes([["Account name", "business_number", "Credit"],
                                                   ["해동통신", "1234567891", "₩1,234,000"],
                                                   ["대한물산", "2208162517", "1,500,000"]]), "a.xlsx")
    assert made.json["created"] == 2, made.json
    assert [a["cf_credit"] for a in accounts(crm_api)] == ["1234000.00", "1500000.00"]
    contacts = [["Name", "Account", "Email"], ["김철수", "해동통신", "kim@haedong.kr"],
                ["이영희", "220-81-62517", "lee@daehan.kr"], ["박민수", "2208162517", None],
                ["최없음", "없는회사", None]]
    response = upload(crm_api, "contacts", xlsx_bytes(contacts), "contacts.xlsx")
    assert response.status_code == 201, response.json
    assert response.json["created"] == 3 and response.json["rejected"] == 1
    assert response.json["errors"] == [{"row": 5, "errors": {"Account": "No record named 없는회사, or you cannot see it."}}]
    korean = upload(crm_api, "contacts", xlsx_bytes([contacts[0], contacts[4]]), "c.xlsx", lang="ko")
    message = korean.json["errors"][0]["errors"]["Account"]
    assert "없는회사" in message and "No record" not in message  # in the user's language
    listed = crm_api.get("/api/v1/contacts", query_string={"sort": "id"}).json["data"]
    ids = {a["name"]: a["id"] for a in accounts(crm_api)}
    assert [c["account_id"] for c in listed] == [ids["해동통신"], ids["대한물산"], ids["대한물산"]]


def test_vcard_through_the_plugin_format_hook(crm_api):
    upload(crm_api, "accounts", csv_bytes([["Account name"], ["해동통신"]]), "a.csv")
    cards = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:김철수\r\nORG:해동통신\r\nTITLE:과장\r\n"
             "TEL;TYPE=CELL:010-1234-5678\r\nEMAIL:kim@haedong.kr\r\nEND:VCARD\r\n"
             "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:王伟\r\nEMAIL:wang@example.cn\r\nEND:VCARD\r\n").encode()
    response = upload(crm_api, "contacts", cards, "cards.vcf")
    assert response.status_code == 201 and response.json["created"] == 2, response.json
    listed = crm_api.get("/api/v1/contacts", query_string={"sort": "id"}).json["data"]
    assert listed[0]["name"] == "김철수" and listed[0]["email"] == "kim@haedong.kr"
    assert listed[0]["account_id"] == accounts(crm_api)[0]["id"]
    assert listed[1]["name"] == "王伟" and listed[1]["account_id"] is None
    formats = crm_api.get("/api/v1/imports/formats").json
    assert ".vcf" in formats["import"] and "vcf" in formats["export"]


def test_preview_shows_mapping_fields_and_row_results_without_writing(crm_api):
    rows = [["Account name", "Status", "Unrelated"], ["해동", "VIP", "x"], ["", "VIP", "y"], ["대한", "없는상태", "z"]]
    response = preview(crm_api, "accounts", xlsx_bytes(rows), "p.xlsx")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["headers"] == ["Account name", "Status", "Unrelated"]
    assert body["mapping"] == {"Account name": "name", "Status": "status"}
    assert any(f["name"] == "business_number" for f in body["fields"])
    assert [r["row"] for r in body["rows"]] == [2, 3, 4]
    assert body["rows"][0]["errors"] == {}
    assert body["rows"][1]["errors"] == {"Account name": "This field is required."}
    assert body["rows"][2]["errors"] == {"Status": "없는상태 is not an allowed value."}
    assert body["summary"]["created"] == 1 and body["summary"]["rejected"] == 2
    assert accounts(crm_api) == []


def test_explicit_and_saved_mappings(crm_api):
    rows = [["회사", "대표"], ["해동", "김대표"]]
    saved = crm_api.post("/api/v1/imports/accounts/mappings",
                         json={"name": "old crm", "mapping": {"회사": "name", "대표": "representative"}})
    assert saved.status_code == 201, saved.json
    assert crm_api.get("/api/v1/imports/accounts/mappings").json["data"][0]["name"] == "old crm"
    response = upload(crm_api, "accounts", xlsx_bytes(rows), "m.xlsx", mapping_name="old crm")
    assert response.status_code == 201 and response.json["created"] == 1, response.json
    explicit = upload(crm_api, "accounts", xlsx_bytes([["회사", "대표"], ["대한", "이대표"]]), "m.xlsx",
                      mapping='{"회사": "name", "대표": "representative"}')
    assert explicit.json["created"] == 1
    assert [a["representative"] for a in accounts(crm_api)] == ["김대표", "이대표"]
    bad = crm_api.post("/api/v1/imports/accounts/mappings", json={"name": "x", "mapping": {"회사": "nope"}})
    assert bad.status_code == 422 and bad.json["error"]["fields"]["회사"]
    assert crm_api.delete("/api/v1/imports/accounts/mappings/old crm").status_code == 204
    assert upload(crm_api, "accounts", xlsx_bytes(rows), "m.xlsx", mapping_name="old crm").status_code == 404


def test_error_workbook_has_the_rejected_rows_and_reasons(crm_api):
    rows = [["Account name", "Email", "Status"], ["좋은회사", "ok@example.com", "VIP"],
            ["", "bad-email", "VIP"], ["=HYPERLINK(\"x\")", None, None]]
    response = upload(crm_api, "accounts", xlsx_bytes(rows), "e.xlsx")
    assert response.json["created"] == 1 and response.json["rejected"] == 2
    errors = crm_api.get(f"/api/v1/imports/{response.json['id']}/errors").json["data"]
    assert errors[0] == {"row": 3, "errors": {"Account name": "This field is required.",
                                              "Email": "Not a valid email address."}}
    workbook = crm_api.get(f"/api/v1/imports/{response.json['id']}/errors.xlsx?lang=en")
    assert workbook.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    assert table[0] == ["Account name", "Email", "Status", "Errors"]
    assert table[1][:3] == [None, "bad-email", "VIP"] and "Not a valid email address." in table[1][3]
    assert table[2][0] == "'=HYPERLINK(\"x\")" and "Formula" in table[2][3]
    # the fixed workbook imports (the apostrophe is taken off again)
    ws_rows = [table[0][:3], ["고친회사", "fixed@example.com", "VIP"]]
    assert upload(crm_api, "accounts", xlsx_bytes(ws_rows), "fixed.xlsx").json["created"] == 1
