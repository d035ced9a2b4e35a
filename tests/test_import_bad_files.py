"""Bad files get a clear 4xx and write nothing; bad rows are rejected one by one with row, column and reason."""
from __future__ import annotations

import io
import time
import zipfile

from test_importexport_support import accounts, csv_bytes, upload, xlsx_bytes


def assert_nothing_written(api):
    assert accounts(api) == []
    assert api.get("/api/v1/imports").json["data"] == [] or all(
        b["created"] == 0 for b in api.get("/api/v1/imports").json["data"])


def test_not_a_spreadsheet(crm_api):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    for data, name in ((png, "photo.xlsx"), (png, "photo.csv"), (b"%PDF-1.4 ...", "doc.csv"),
                       (b"PK\x03\x04 not really a zip", "broken.xlsx"), (b"plain text", "old.xls")):
        response = upload(crm_api, "accounts", data, name)
        assert response.status_code == 400, (name, response.json)
        assert response.json["error"]["code"] == "file_rejected"
        assert "xlsx" in response.json["error"]["message"] or "spreadsheet" in response.json["error"]["message"]
    assert_nothing_written(crm_api)


def test_a_zip_that_is_not_a_workbook(crm_api):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    response = upload(crm_api, "accounts", out.getvalue(), "archive.xlsx")
    assert response.status_code == 400 and "no worksheet" in response.json["error"]["message"]


def test_empty_files_and_missing_headers(crm_api):
    for data, name, words in ((b"", "empty.csv", "empty"), (b"\n\n  \n", "blank.csv", "empty"),
                              (xlsx_bytes([]), "empty.xlsx", "empty"),
                              (xlsx_bytes([[None, None], ["해동", "02-123-4567"]]), "nohead.xlsx", "column names"),
                              (csv_bytes([["해동통신", "02-123-4567"], ["대한물산", "031-765-4321"]]), "nohead.csv",
                               "column names")):
        response = upload(crm_api, "accounts", data, name)
        assert response.status_code == 400, (name, response.json)
        assert words in response.json["error"]["message"], (name, response.json)
    assert_nothing_written(crm_api)


def zip_bomb() -> bytes:
    """A worksheet of 1,048,576 identical rows: a few hundred kilobytes that inflate to ~60 MB."""
    row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             "<sheetData>" + row * 1_048_576 + "</sheetData></worksheet>")
    return workbook_zip(sheet)


def workbook_zip(sheet_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                    'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                    '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml",
                    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                    '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def test_zip_bomb_is_refused_quickly(crm_api):
    data = zip_bomb()
    assert len(data) < 1_000_000
    started = time.monotonic()
    response = upload(crm_api, "accounts", data, "bomb.xlsx")
    assert time.monotonic() - started < 5
    assert response.status_code == 400 and "zip bomb" in response.json["error"]["message"]
    assert_nothing_written(crm_api)


def test_a_full_height_sheet_is_refused_by_its_dimension(crm_api):
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<dimension ref="A1:B1048576"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Account name</t></is></c></row>'
             '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>해동</t></is></c></row>'
             "</sheetData></worksheet>")
    started = time.monotonic()
    response = upload(crm_api, "accounts", workbook_zip(sheet), "tall.xlsx")
    assert time.monotonic() - started < 5
    assert response.status_code == 400 and "500,000 rows" in response.json["error"]["message"]
    assert_nothing_written(crm_api)


def test_rows_beyond_the_limit_take_back_what_was_written(crm_app_factory, tmp_path):
    """A sheet that hides its size is counted while reading; past the limit the whole import is taken back."""
    from core.testing import ApiClient, make_user

    app = crm_app_factory(extra={"import_max_rows": 1500})
    _id, token = make_user(app, "admin@example.com", admin=True)
    api = ApiClient(app.test_client(), token)
    rows = "".join(f'<row><c t="inlineStr"><is><t>회사{i}</t></is></c></row>' for i in range(2000))
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row><c t="inlineStr"><is><t>Account name</t></is></c></row>' + rows +
             "</sheetData></worksheet>")
    response = upload(api, "accounts", workbook_zip(sheet), "hidden.xlsx")
    assert response.status_code == 400 and "1,500 rows" in response.json["error"]["message"]
    assert accounts(api) == []
    batch = api.get("/api/v1/imports").json["data"][0]
    assert batch["status"] == "failed" and batch["created"] == 0 and "1,500" in batch["message"]


def test_bad_rows_are_rejected_with_row_column_and_reason_and_good_rows_imported(crm_api):
    crm_api.post("/api/v1/meta/entities/accounts/fields", json={"name": "employees", "label": "Employees",
                                                                "type": "integer"})
    rows = [["Account name", "Employees", "Status", "business_number", "Website"],
            ["정상", "12", "VIP", "1234567891", "haedong.kr"],
            ["숫자아님", "열두명", "VIP", None, None],
            ["없는상태", "3", "골드", None, None],
            ["사업자오류", None, None, "1234567890", None],
            ["=SUM(A1:A2)", None, None, None, None],
            ["중복번호", None, None, "123-45-67891", None],
            ["정상2", 7.0, "일반", None, None]]
    response = upload(crm_api, "accounts", xlsx_bytes(rows), "rows.xlsx", match="name")
    assert response.status_code == 201, response.json
    assert response.json["created"] == 2 and response.json["rejected"] == 5
    errors = {e["row"]: e["errors"] for e in response.json["errors"]}
    assert errors[3] == {"Employees": "Not a valid whole number."}
    assert errors[4] == {"Status": "골드 is not an allowed value."}
    assert list(errors[5]) == ["business_number"] and "registration number" in errors[5]["business_number"]
    assert errors[6] == {"Account name": "Formula cells are not imported; paste the values instead."}
    assert errors[7] == {"business_number": "Already used by 정상."}
    data = accounts(crm_api)
    assert [(a["name"], a["cf_employees"], a["status"], a["website"]) for a in data] == [
        ("정상", 12, "vip", "https://haedong.kr"), ("정상2", 7, "normal", None)]


def test_two_rows_of_one_file_cannot_share_a_unique_value(crm_api):
    rows = [["Account name", "business_number"], ["첫째", "1234567891"], ["둘째", "123-45-67891"]]
    response = upload(crm_api, "accounts", xlsx_bytes(rows), "same.xlsx", match="name")
    assert response.json["created"] == 1 and response.json["rejected"] == 1
    assert response.json["errors"][0]["row"] == 3


def test_import_needs_the_import_right(crm_app, crm_api):
    from core.testing import ApiClient, make_user

    roles = crm_api.get("/api/v1/roles").json["data"]
    sales = next(r for r in roles if r["name"] == "sales")
    changed = crm_api.patch(f"/api/v1/roles/{sales['id']}/rights", json={"accounts": {"import": False}})
    assert changed.status_code == 200, changed.json
    _uid, token = make_user(crm_app, "rep@example.com", role="sales")
    rep = ApiClient(crm_app.test_client(), token)
    response = upload(rep, "accounts", xlsx_bytes([["Account name"], ["해동"]]), "a.xlsx")
    assert response.status_code == 403
    assert accounts(crm_api) == []
    unknown = upload(crm_api, "nothing", xlsx_bytes([["Account name"], ["해동"]]), "a.xlsx")
    assert unknown.status_code == 404
    missing = crm_api.client.post("/api/v1/imports/accounts", data={},
                                  headers={"Authorization": f"Bearer {crm_api.token}"})
    assert missing.status_code == 400 and missing.json["error"]["fields"]["file"]
