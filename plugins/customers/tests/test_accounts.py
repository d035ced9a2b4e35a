"""Accounts: every field rule, duplicate protection and search (고객 명단)."""
from __future__ import annotations

import datetime as dt

import pytest

from plugins.customers.tests.helpers import account, create, error_fields, names
from plugins.customers.validators import with_check_digit

HAEDONG_BRN = with_check_digit("214860123")


def test_account_with_every_field(crm_api):
    parent = account(crm_api, "해동그룹")
    created = create(crm_api, "accounts", name="(주)해동통신", kind="company", alias="해동",
                     business_number=HAEDONG_BRN.replace("-", ""), representative="김해동", status="vip",
                     industry="it", source="referral", region="seoul", phone="02-555-1234",
                     is_hot=True, hot_reason="재계약 협의", heat_level=4, parent_id=parent["id"],
                     registered_on="2014-02-13", stopped_on="2020-01-31", credit_limit="50,000,000")
    assert created["business_number"] == HAEDONG_BRN
    assert created["customer_code"] == "140213-001"
    assert created["credit_limit"] == "50000000.00"
    assert (created["is_hot"], created["hot_reason"], created["heat_level"]) == (True, "재계약 협의", 4)
    assert created["_display"]["status"] == "VIP" and created["_display"]["parent_id"] == "해동그룹"
    assert created["last_contact_at"] is None


def test_customer_code_counts_per_registration_day(crm_api):
    codes = [account(crm_api, f"회사{i}", registered_on="2024-03-05")["customer_code"] for i in range(3)]
    assert codes == ["240305-001", "240305-002", "240305-003"]
    assert account(crm_api, "다른날", registered_on="2024-03-06")["customer_code"] == "240306-001"
    assert account(crm_api, "직접", customer_code="LEGACY-77")["customer_code"] == "LEGACY-77"
    fields = error_fields(crm_api.post("/api/v1/accounts", json={"name": "중복코드", "customer_code": "LEGACY-77"}))
    assert "customer_code" in fields


def test_customer_code_format_is_configurable(crm_app, crm_api):
    from plugins.customers.tests.helpers import rep

    url = "/api/v1/customers/customer-code-format"
    assert crm_api.get(url).json == {"format": "{YY}{MM}{DD}-{###}", "default": "{YY}{MM}{DD}-{###}"}
    for bad in ("C{YYYY}", "{YY}{Q}-{###}", "", None):
        assert "format" in error_fields(crm_api.put(url, json={"format": bad}))
    _uid, sales = rep(crm_app, "rep@example.com")
    assert sales.put(url, json={"format": "X-{####}"}).status_code == 403
    assert crm_api.put(url, json={"format": "C{YYYY}{MM}-{####}"}).json["format"] == "C{YYYY}{MM}-{####}"
    assert account(crm_api, "형식", registered_on="2025-07-01")["customer_code"] == "C202507-0001"
    assert account(crm_api, "형식2", registered_on="2025-07-20")["customer_code"] == "C202507-0002"


def test_registration_date_defaults_to_today_in_seoul(crm_api, crm_clock):
    crm_clock.set_now(dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.timezone.utc))  # 01:30 on 2 March in Seoul
    created = account(crm_api, "오늘")
    assert created["registered_on"] == "2026-03-02" and created["customer_code"] == "260302-001"


@pytest.mark.parametrize("values, field", [
    ({"business_number": "123-45-67890"}, "business_number"),   # wrong check digit
    ({"business_number": "12345"}, "business_number"),
    ({"status": "sleeping"}, "status"),
    ({"kind": "robot"}, "kind"),
    ({"industry": "space"}, "industry"),
    ({"source": "rumour"}, "source"),
    ({"region": "mars"}, "region"),
    ({"heat_level": 6, "is_hot": True, "hot_reason": "x"}, "heat_level"),
    ({"heat_level": 0, "is_hot": True, "hot_reason": "x"}, "heat_level"),
    ({"is_hot": True}, "hot_reason"),
    ({"credit_limit": "-1"}, "credit_limit"),
    ({"credit_limit": "lots"}, "credit_limit"),
    ({"registered_on": "2020-05-01", "stopped_on": "2020-04-30"}, "stopped_on"),
    ({"parent_id": 999}, "parent_id"),
    ({"last_contact_at": "2020-01-01T00:00:00Z"}, "last_contact_at"),  # derived, not writable
    ({"phone": "call me"}, "phone"),
])
def test_bad_values_are_422_and_write_nothing(crm_api, values, field):
    response = crm_api.post("/api/v1/accounts", json={"name": "잘못된 회사", **values})
    assert field in error_fields(response)
    assert crm_api.get("/api/v1/accounts").json["meta"]["total"] == 0


def test_error_messages_speak_the_users_language(crm_api):
    response = crm_api.post("/api/v1/accounts", json={"name": "x", "business_number": "1234567890"},
                            headers={"Accept-Language": "ko"})
    assert "사업자등록번호" in error_fields(response)["business_number"]
    response = crm_api.post("/api/v1/accounts", json={"name": "x", "is_hot": True},
                            headers={"Accept-Language": "zh-CN"})
    assert error_fields(response)["hot_reason"] == "请填写设为热点客户的原因。"
    first = account(crm_api, "(주)해동통신")
    response = crm_api.post("/api/v1/accounts", json={"name": "해동통신"}, headers={"Accept-Language": "ko"})
    assert response.json["error"]["message"].startswith(f"이미 등록된 고객: (주)해동통신 ({first['number']})")


def test_not_hot_clears_reason_and_level(crm_api):
    hot = account(crm_api, "뜨거운", is_hot=True, hot_reason="입찰 임박")
    assert hot["heat_level"] == 3
    cooled = crm_api.patch(f"/api/v1/accounts/{hot['id']}", json={"is_hot": False}).json
    assert (cooled["hot_reason"], cooled["heat_level"]) == (None, None)


def test_parent_account_cannot_make_a_cycle(crm_api):
    top = account(crm_api, "본사")
    branch = account(crm_api, "지사", parent_id=top["id"])
    shop = account(crm_api, "매장", parent_id=branch["id"])
    assert "parent_id" in error_fields(crm_api.patch(f"/api/v1/accounts/{top['id']}", json={"parent_id": shop["id"]}))
    assert "parent_id" in error_fields(crm_api.patch(f"/api/v1/accounts/{top['id']}", json={"parent_id": top["id"]}))
    assert crm_api.get(f"/api/v1/accounts?parent_id={top['id']}").json["data"][0]["name"] == "지사"


def test_business_number_is_unique_and_names_the_holder(crm_api):
    first = account(crm_api, "(주)해동통신", business_number=HAEDONG_BRN)
    response = crm_api.post("/api/v1/accounts", json={"name": "다른 이름", "business_number": HAEDONG_BRN})
    assert "(주)해동통신" in error_fields(response)["business_number"]
    crm_api.delete(f"/api/v1/accounts/{first['id']}")
    response = crm_api.post("/api/v1/accounts", json={"name": "또 다른", "business_number": HAEDONG_BRN})
    assert "business_number" in error_fields(response)  # still held by the record in the recycle bin


def test_duplicate_name_warns_naming_the_match_until_confirmed(crm_app, crm_api):
    from plugins.customers.tests.helpers import rep

    first = create(crm_api, "accounts", name="(주)해동통신")
    _uid, other_rep = rep(crm_app, "rep@example.com")
    for written in ("해동통신", "해동 통신 ㈜", "주식회사 해동통신"):
        response = other_rep.post("/api/v1/accounts", json={"name": written})
        assert response.status_code == 409, response.json
        error = response.json["error"]
        assert error["code"] == "duplicate_warning"
        # the rep cannot see the admin's account: whose it is, never its name, number or code
        assert "관리자" in error["message"] and "해동" not in error["message"]
        assert first["number"] not in error["message"]
        assert error["matches"] == [{"owner": "관리자", "matched_on": "name", "visible": False}]
    response = crm_api.post("/api/v1/accounts", json={"name": "해동통신"})
    assert f"(주)해동통신 ({first['number']})" in response.json["error"]["message"]  # the admin sees it
    assert response.json["error"]["matches"] == [
        {"id": first["id"], "name": "(주)해동통신", "number": first["number"], "customer_code": first["customer_code"],
         "owner": "관리자", "in_recycle_bin": False, "matched_on": "name", "visible": True}]
    assert crm_api.get("/api/v1/accounts").json["meta"]["total"] == 1
    assert other_rep.post("/api/v1/accounts", json={"name": "해동통신", "confirm_duplicate": True}).status_code == 201
    assert create(crm_api, "accounts", name="해동물산")["name"] == "해동물산"  # similar is not the same


def test_duplicate_check_endpoint(crm_api):
    first = account(crm_api, "(주)해동통신", business_number=HAEDONG_BRN)
    by_name = crm_api.get("/api/v1/customers/accounts/duplicates", query_string={"name": "해동통신(주)"}).json
    assert [m["id"] for m in by_name["data"]] == [first["id"]]
    assert by_name["message"].endswith(f"(주)해동통신 ({first['number']})")
    by_number = crm_api.get("/api/v1/customers/accounts/duplicates",
                            query_string={"business_number": HAEDONG_BRN.replace("-", "")}).json
    assert by_number["data"][0]["matched_on"] == "business_number"
    assert crm_api.get("/api/v1/customers/accounts/duplicates?name=대한정밀").json == {"data": [], "message": ""}
    assert crm_api.get("/api/v1/customers/accounts/duplicates").status_code == 400


def test_initial_consonant_search_finds_exactly_the_right_accounts(crm_api):
    for name in ("(주)해동통신", "해동물산", "대한통신", "한동테크", "해동통신기술"):
        account(crm_api, name)
    assert names(crm_api.get("/api/v1/accounts?q=ㅎㄷㅌㅅ")) == ["(주)해동통신", "해동통신기술"]
    assert names(crm_api.get("/api/v1/accounts?q=ㅎㄷ")) == sorted(["(주)해동통신", "해동물산", "해동통신기술", "한동테크"])
    assert names(crm_api.get("/api/v1/accounts?q=ㄷㅎㅌㅅ")) == ["대한통신"]
    assert names(crm_api.get("/api/v1/accounts?q=ㅎㄷㅌㅅ ㄱㅅ")) == ["해동통신기술"]


def test_search_by_alias_code_phone_and_several_keywords(crm_api):
    account(crm_api, "(주)해동통신", alias="HD텔레콤", phone="02-555-1234", representative="김해동",
            registered_on="2014-02-13")
    account(crm_api, "대한정밀", alias="대정", phone="031-478-2200", representative="이정민")
    assert names(crm_api.get("/api/v1/accounts?q=hd텔레콤")) == ["(주)해동통신"]
    assert names(crm_api.get("/api/v1/accounts?q=140213-001")) == ["(주)해동통신"]
    assert names(crm_api.get("/api/v1/accounts?q=0314782200")) == ["대한정밀"]
    assert names(crm_api.get("/api/v1/accounts?q=478-2200")) == ["대한정밀"]
    assert names(crm_api.get("/api/v1/accounts?q=해동 김해동")) == ["(주)해동통신"]
    assert names(crm_api.get("/api/v1/accounts?q=해동 이정민")) == []


def test_pinyin_initial_search(crm_api):
    account(crm_api, "海东通信有限公司", region="china")
    account(crm_api, "大韩精密", region="china")
    assert names(crm_api.get("/api/v1/accounts?q=hdtx")) == ["海东通信有限公司"]
    assert names(crm_api.get("/api/v1/accounts?q=dhjm")) == ["大韩精密"]
    assert names(crm_api.get("/api/v1/accounts?q=海东")) == ["海东通信有限公司"]
