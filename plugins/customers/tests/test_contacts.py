"""Contacts / business cards (명함): fields, visibility of the account, birthdays, vCard round trip."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from plugins.customers.tests.helpers import account, create, error_fields, names, rep


def test_contact_with_every_field(crm_api):
    firm = account(crm_api, "(주)해동통신")
    card = create(crm_api, "contacts", name="김철수", account_id=firm["id"], job_title="부장", department="구매팀",
                  duty="장비 구매", employment_status="employed", mobile="010-1234-5678",
                  direct_line="02-555-1234", extension="301", fax="02-555-1235", email="KIM@haedong.co.kr",
                  homepage="haedong.co.kr", groups=["decision_maker", "purchasing"], birthday="1975-04-09",
                  address="서울특별시 강남구 테헤란로 152")
    assert card["email"] == "kim@haedong.co.kr" and card["homepage"] == "https://haedong.co.kr"
    assert card["groups"] == ["decision_maker", "purchasing"]
    assert card["_display"]["account_id"] == "(주)해동통신"
    assert card["_display"]["groups"] == ["의사결정자", "구매담당"]
    assert crm_api.get("/api/v1/contacts?mobile=01012345678").json["meta"]["total"] == 1
    assert crm_api.get("/api/v1/contacts?groups__contains=purchasing").json["meta"]["total"] == 1


@pytest.mark.parametrize("values, field", [
    ({"employment_status": "retired"}, "employment_status"),
    ({"groups": ["vip_golfers"]}, "groups"),
    ({"birthday": "1975-13-40"}, "birthday"),
    ({"email": "not-an-email"}, "email"),
    ({"mobile": "전화 없음"}, "mobile"),
    ({"account_id": 4242}, "account_id"),
    ({"name": ""}, "name"),
])
def test_bad_contact_values_are_422(crm_api, values, field):
    body = {"name": "이영희", **values}
    assert field in error_fields(crm_api.post("/api/v1/contacts", json=body))
    assert crm_api.get("/api/v1/contacts").json["meta"]["total"] == 0


def test_contact_of_an_account_the_user_cannot_see_is_422(crm_app, crm_api):
    _a, rep_a = rep(crm_app, "a@example.com")
    _b, rep_b = rep(crm_app, "b@example.com")
    theirs = account(rep_a, "A의 고객")
    response = rep_b.post("/api/v1/contacts", json={"name": "몰래", "account_id": theirs["id"]})
    assert error_fields(response)["account_id"]
    assert rep_a.get("/api/v1/contacts").json["meta"]["total"] == 0
    assert rep_a.post("/api/v1/contacts", json={"name": "정식", "account_id": theirs["id"]}).status_code == 201


def test_contact_without_account_is_linked_later(crm_api):
    card = create(crm_api, "contacts", name="박명함", mobile="010-2222-3333")
    assert crm_api.get("/api/v1/contacts?account_id__isnull=true").json["meta"]["total"] == 1
    firm = account(crm_api, "대한정밀")
    linked = crm_api.patch(f"/api/v1/contacts/{card['id']}", json={"account_id": firm["id"]}).json
    assert linked["account_id"] == firm["id"]
    assert crm_api.get("/api/v1/contacts?account_id__isnull=true").json["meta"]["total"] == 0


def test_birthdays_this_month(crm_api, crm_clock):
    crm_clock.set_now(dt.datetime(2026, 4, 30, 16, 0, tzinfo=dt.timezone.utc))  # 1 May in Seoul
    for name, birthday in (("오월생", "1980-05-01"), ("오월말", "1990-05-31"), ("사월생", "1985-04-30"),
                           ("모름", None)):
        create(crm_api, "contacts", name=name, birthday=birthday)
    assert names(crm_api.get("/api/v1/contacts?birthday_month=this")) == ["오월말", "오월생"]
    assert names(crm_api.get("/api/v1/contacts?birthday_month=4")) == ["사월생"]
    for bad in ("13", "0", "may"):
        assert "birthday_month" in error_fields(crm_api.get(f"/api/v1/contacts?birthday_month={bad}"), 400)


def test_vcard_round_trip(crm_api):
    firm = account(crm_api, "(주)해동통신")
    originals = [
        create(crm_api, "contacts", name="김철수", account_id=firm["id"], job_title="부장", department="구매팀",
               duty="장비 구매; 계약", mobile="010-1234-5678", direct_line="02-555-1234", extension="301",
               fax="02-555-1235", email="kim@haedong.co.kr", homepage="https://haedong.co.kr",
               groups=["decision_maker", "purchasing"], birthday="1975-04-09",
               address="서울특별시 강남구 테헤란로 152, 12층", employment_status="left",
               description="명절 선물 대상\n골프 좋아함"),
        create(crm_api, "contacts", name="王小明", mobile="+86 138 0013 8000", email="wang@example.cn"),
    ]
    exported = crm_api.get("/api/v1/customers/contacts.vcf")
    assert exported.status_code == 200 and exported.mimetype == "text/vcard"
    text = exported.data.decode("utf-8")
    assert text.count("BEGIN:VCARD") == 2 and "FN:김철수" in text and "N:김;철수;;;" in text
    for original in originals:
        crm_api.delete(f"/api/v1/contacts/{original['id']}")

    imported = crm_api.post("/api/v1/customers/contacts/vcf", data=exported.data,
                            headers={"Content-Type": "text/vcard"})
    assert imported.status_code == 201, imported.json
    assert imported.json["created"] == 2 and imported.json["accounts_not_found"] == []
    compared = [k for k in originals[0] if k not in ("id", "version", "created_at", "updated_at", "_display")]
    again = {c["name"]: c for c in (crm_api.get(f"/api/v1/contacts/{i}").json for i in imported.json["ids"])}
    for original in originals:
        assert {k: again[original["name"]][k] for k in compared} == {k: original[k] for k in compared}


def test_vcard_import_of_a_phone_export(crm_api):
    """vCard 2.1 from an Android phone: quoted-printable UTF-8, folded lines, several phones."""
    account(crm_api, "대한정밀(주)")
    card = (b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
            b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=EC=9D=B4;=EC=98=81=ED=9D=AC;;;\r\n"
            b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=EC=9D=B4=EC=98=81=ED=9D=AC\r\n"
            b"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=EB=8C=80=ED=95=9C=EC=A0=95=EB=B0=80(=EC=A3=BC)\r\n"
            b"TEL;CELL:010-9876-5432\r\nTEL;WORK:031-478-2200\r\nTEL;WORK;FAX:031-478-2201\r\n"
            b"EMAIL;INTERNET:lee@daehan.co.kr\r\nNOTE:first line\r\n  continued\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Company\r\nORG:\xec\x97\x86\xeb\x8a\x94\xed\x9a\x8c\xec\x82\xac\r\n"
            b"END:VCARD\r\n")
    response = crm_api.post("/api/v1/customers/contacts/vcf",
                            data={"file": (io.BytesIO(card), "phone.vcf")}, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    assert response.json["accounts_not_found"] == ["없는회사"]
    lee = crm_api.get(f"/api/v1/contacts/{response.json['ids'][0]}").json
    assert (lee["name"], lee["mobile"], lee["direct_line"], lee["fax"]) == (
        "이영희", "010-9876-5432", "031-478-2200", "031-478-2201")
    assert lee["_display"]["account_id"] == "대한정밀(주)" and lee["description"] == "first line continued"
    assert crm_api.get(f"/api/v1/contacts/{response.json['ids'][1]}").json["account_id"] is None


def test_bad_vcard_imports_nothing(crm_api):
    bad_group = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:good\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:bad\r\nCATEGORIES:nope\r\nEND:VCARD\r\n"
    response = crm_api.post("/api/v1/customers/contacts/vcf", data=bad_group, headers={"Content-Type": "text/vcard"})
    assert "card 2" in error_fields(response)
    assert crm_api.get("/api/v1/contacts").json["meta"]["total"] == 0
    for body in (b"", b"name,mobile\n kim,010"):
        response = crm_api.post("/api/v1/customers/contacts/vcf", data=body, headers={"Content-Type": "text/vcard"})
        assert response.status_code in (400, 422) and "error" in response.json


def test_vcard_export_only_holds_what_the_user_sees(crm_app, crm_api):
    _a, rep_a = rep(crm_app, "a@example.com")
    create(rep_a, "contacts", name="A의 명함")
    create(crm_api, "contacts", name="관리자 명함")
    text = rep_a.get("/api/v1/customers/contacts.vcf").data.decode()
    assert "A의 명함" in text and "관리자 명함" not in text
    assert "관리자 명함" in crm_api.get("/api/v1/customers/contacts.vcf?q=관리자").data.decode()
    assert crm_api.get("/api/v1/customers/contacts.vcf?colour=red").status_code == 400


def test_vcard_through_the_core_exporter_and_importer(crm_api):
    """The same round trip through /api/v1/exports and /api/v1/imports (crm_export_formats / crm_import_formats)."""
    firm = account(crm_api, "(주)해동통신")
    create(crm_api, "contacts", name="김철수", account_id=firm["id"], mobile="010-1234-5678",
           direct_line="02-555-1234", groups=["purchasing"], birthday="1975-04-09")
    formats = crm_api.get("/api/v1/imports/formats").json
    assert "vcf" in str(formats["import"]) and "vcf" in str(formats["export"])
    exported = crm_api.get("/api/v1/exports/contacts?format=vcf&scope=all")
    assert exported.status_code == 200, exported.data[:300]
    assert b"FN:\xea\xb9\x80\xec\xb2\xa0\xec\x88\x98" in exported.data and b"ORG:(\xec\xa3\xbc)" in exported.data
    crm_api.delete(f"/api/v1/contacts/{crm_api.get('/api/v1/contacts').json['data'][0]['id']}")
    imported = crm_api.post("/api/v1/imports/contacts", data={"file": (io.BytesIO(exported.data), "cards.vcf")},
                            content_type="multipart/form-data")
    assert imported.status_code == 201, imported.json
    again = crm_api.get("/api/v1/contacts").json["data"]
    assert len(again) == 1
    kim = again[0]
    assert (kim["name"], kim["mobile"], kim["direct_line"], kim["groups"], kim["birthday"], kim["account_id"]) == (
        "김철수", "010-1234-5678", "02-555-1234", ["purchasing"], "1975-04-09", firm["id"])
