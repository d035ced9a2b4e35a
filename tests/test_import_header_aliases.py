"""Column headers the way Korean and Chinese offices write them map to fields without manual mapping."""
from __future__ import annotations

import pytest

from test_importexport_support import preview, xlsx_bytes


@pytest.mark.parametrize("headers, expected", [
    (["거래처명", "대표", "사업자번호", "대표전화", "팩스번호", "소재지"],
     ["name", "representative", "business_number", "phone", "fax", "address"]),
    (["상호", "대표자명", "전화번호", "홈페이지", "담당자"],
     ["name", "representative", "phone", "website", "owner_id"]),
    (["客户名称", "法人代表", "联系电话", "传真", "网址", "地址"],
     ["name", "representative", "phone", "fax", "website", "address"]),
    (["Company Name", "CEO", "TEL", "e-mail"], ["name", "representative", "phone", "email"]),
])
def test_account_headers_in_everyday_words_are_matched(crm_api, headers, expected):
    response = preview(crm_api, "accounts", xlsx_bytes([headers, ["x"] * len(headers)]), "a.xlsx")
    assert response.status_code == 200, response.json
    assert [response.json["mapping"].get(h) for h in headers] == expected


def test_contact_headers_from_a_business_card_list_are_matched(crm_api):
    headers = ["성명", "회사명", "직급", "부서", "휴대폰", "직통번호", "이메일"]
    response = preview(crm_api, "contacts", xlsx_bytes([headers, ["x"] * len(headers)]), "c.xlsx")
    assert [response.json["mapping"].get(h) for h in headers] == [
        "name", "account_id", "job_title", "department", "mobile", "direct_line", "email"]


def test_an_unknown_header_stays_unmapped(crm_api):
    response = preview(crm_api, "accounts", xlsx_bytes([["거래처명", "비고란 아님"], ["가", "나"]]), "a.xlsx")
    assert response.json["mapping"] == {"거래처명": "name"}
