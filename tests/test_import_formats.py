"""Importing accounts from xlsx and csv in every supported encoding, and from plugin formats."""
from __future__ import annotations

import pytest

from test_importexport_support import HEADERS, accounts, csv_bytes, preview, upload, xlsx_bytes

ROWS = [HEADERS,
        ["(주)해동통신", "123-45-67891", "VIP", "02-123-4567", "info@haedong.kr"],
        ["대한물산", "2208162517", "잠재고객", "031-765-4321", None]]


def test_xlsx_import_with_korean_headers_and_picklist_labels(crm_api):
    response = upload(crm_api, "accounts", xlsx_bytes(ROWS), "고객.xlsx")
    assert response.status_code == 201, response.json
    assert response.json["created"] == 2 and response.json["rejected"] == 0
    data = accounts(crm_api)
    assert [a["name"] for a in data] == ["(주)해동통신", "대한물산"]
    assert data[0]["status"] == "vip" and data[1]["status"] == "prospect"
    assert data[1]["business_number"] == "220-81-62517"
    assert all(a["number"].startswith("ACC-") for a in data)
    assert data[0]["number"] != data[1]["number"]
