"""Export: selected rows, the current page or everything matching, to xlsx or csv, safely and only what may be seen."""
from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from decimal import Decimal

import openpyxl
import pytest

from core.testing import is_postgres

from test_importexport_support import accounts, upload, xlsx_bytes


def seed(api):
    api.post("/api/v1/meta/entities/accounts/fields", json={"name": "signed_on", "label": "Signed on", "type": "date"})
    first = api.post("/api/v1/accounts", json={"name": "가나다", "status": "vip", "credit_limit": "1234000",
                                               "cf_signed_on": "2026-03-01", "representative": "=cmd|' /C calc'!A0",
                                               "phone": "+82 2-123-4567"})
    assert first.status_code == 201, first.json
    rows = [["Account name", "Status", "Credit limit", "Signed on", "Representative"],
            ["라마바", "일반", "500", None, "@SUM(1+1)"],
            ["사아자", "VIP", None, dt.date(2025, 12, 31), "-10"]]
    assert upload(api, "accounts", xlsx_bytes(rows), "seed.xlsx").json["created"] == 2


def export(api, lang="en", **args):
    return api.get("/api/v1/exports/accounts", query_string={"lang": lang, **args})


def sheet_rows(response) -> list[list]:
    assert response.status_code == 200, response.json
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [[c for c in row] for row in ws.iter_rows()]


def test_xlsx_of_everything_matching_a_filter_with_types_and_formats(crm_api):
    seed(crm_api)
    response = export(crm_api, format="xlsx", status="vip", sort="name",
                      fields="number,name,status,credit_limit,cf_signed_on,representative,phone")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response)
    assert [c.value for c in rows[0]] == ["No.", "Account name", "Status", "Credit limit", "Signed on",
                                          "Representative", "Phone"]
    assert [r[1].value for r in rows[1:]] == ["가나다", "사아자"]
    first = rows[1]
    assert first[2].value == "VIP"  # the picklist label, not the stored value
    assert first[3].value == 1234000 and first[3].data_type == "n" and first[3].number_format == "#,##0"
    assert isinstance(first[4].value, dt.datetime) and first[4].value.date() == dt.date(2026, 3, 1)
    assert first[4].is_date
    assert first[5].value == "'=cmd|' /C calc'!A0" and first[5].data_type == "s"  # no formula
    assert first[6].value == "'+82 2-123-4567"
    assert rows[2][5].value == "'-10"


def test_selected_rows_and_the_current_page(crm_api):
    seed(crm_api)
    ids = [a["id"] for a in accounts(crm_api)]
    selected = sheet_rows(export(crm_api, scope="selected", ids=f"{ids[0]},{ids[2]}", fields="name"))
    assert sorted(r[0].value for r in selected[1:]) == ["가나다", "사아자"]
    page = sheet_rows(export(crm_api, scope="page", sort="-name", per_page=2, page=2, fields="name"))
    assert [r[0].value for r in page[1:]] == ["가나다"]
    bad = export(crm_api, scope="everything")
    assert bad.status_code == 400 and bad.json["error"]["fields"]["scope"]
    assert export(crm_api, scope="selected").status_code == 400
    assert export(crm_api, fields="name,nope").json["error"]["fields"]["fields"]
    assert export(crm_api, status__gt="x").status_code == 400
    assert export(crm_api, format="pdf").json["error"]["fields"]["format"]


def test_csv_utf8_with_bom_and_cp949(crm_api):
    seed(crm_api)
    response = export(crm_api, format="csv", sort="name", fields="name,status,credit_limit,cf_signed_on")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0] == ["Account name", "Status", "Credit limit", "Signed on"]
    assert table[1] == ["가나다", "VIP", "1234000.00", "2026-03-01"]
    korean = export(crm_api, lang="ko", format="csv", encoding="cp949", sort="name", fields="name")
    assert korean.data.decode("cp949").splitlines()[1] == "가나다"


def test_export_needs_the_right_and_shows_only_visible_records(crm_app, crm_api):
    from core.testing import ApiClient, make_user

    seed(crm_api)
    _uid, token = make_user(crm_app, "rep@example.com", role="sales")
    rep = ApiClient(crm_app.test_client(), token)
    assert upload(rep, "accounts", xlsx_bytes([["Account name"], ["영업사원회사"]]), "r.xlsx").status_code == 201
    own = sheet_rows(export(rep, fields="name"))
    assert [r[0].value for r in own[1:]] == ["영업사원회사"]  # the admin's three stay invisible
    hidden_ids = ",".join(str(a["id"]) for a in accounts(crm_api)[:3])
    picked = sheet_rows(export(rep, scope="selected", ids=hidden_ids, fields="name"))
    assert len(picked) == 1  # only the header
    roles = crm_api.get("/api/v1/roles").json["data"]
    sales = next(r for r in roles if r["name"] == "sales")
    crm_api.patch(f"/api/v1/roles/{sales['id']}/rights", json={"accounts": {"export": False}})
    refused = export(rep, fields="name")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"


def test_large_exports_run_as_a_job_and_are_downloaded(crm_app, crm_api):
    from core.jobs.worker import run_pending

    seed(crm_api)
    started = crm_api.post("/api/v1/exports/accounts?format=xlsx&async=1&sort=name&fields=name,credit_limit")
    assert started.status_code == 202, started.json
    assert started.json["status"] == "queued" and started.json["download"] is None
    assert crm_api.get(f"/api/v1/exports/{started.json['id']}/file").status_code == 404
    assert run_pending(crm_app) == 1
    done = crm_api.get(f"/api/v1/exports/{started.json['id']}").json
    assert done["status"] == "done" and done["rows"] == 3
    rows = sheet_rows(crm_api.get(done["download"]))
    assert [r[0].value for r in rows[1:]] == ["가나다", "라마바", "사아자"]
    assert rows[1][1].value == Decimal("1234000") or rows[1][1].value == 1234000


@pytest.mark.skipif(is_postgres(), reason="SQLite's write lock")
def test_an_export_job_writes_its_file_without_holding_the_write_lock(crm_app, crm_api, monkeypatch):
    """A large export reads for minutes: meanwhile other writers (requests, the job's lease heartbeat) must not wait."""
    from core.importexport import export as export_module
    from core.jobs.worker import run_pending

    seed(crm_api)
    engine = crm_app.extensions["plugcrm"].engine
    lock_free_while_writing = []
    write_csv = export_module.write_csv

    def probing_write_csv(entity, columns, chunks, fileobj, encoding="utf-8-sig"):
        def probed():
            for chunk in chunks:
                probe = sqlite3.connect(engine.url.database, timeout=0)
                try:
                    probe.execute("BEGIN IMMEDIATE")
                    probe.rollback()
                    lock_free_while_writing.append(True)
                except sqlite3.OperationalError:
                    lock_free_while_writing.append(False)
                finally:
                    probe.close()
                yield chunk
        return write_csv(entity, columns, probed(), fileobj, encoding)

    monkeypatch.setattr(export_module, "write_csv", probing_write_csv)
    started = crm_api.post("/api/v1/exports/accounts?format=csv&async=1&sort=name&fields=name")
    assert started.status_code == 202, started.json
    assert run_pending(crm_app) == 1
    done = crm_api.get(f"/api/v1/exports/{started.json['id']}").json
    assert done["status"] == "done" and done["rows"] == 3
    assert lock_free_while_writing == [True]
