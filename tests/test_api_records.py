"""The REST contract of SPEC.md, exercised on accounts and contacts."""
from __future__ import annotations

VALID_BRN = "123-45-67891"


def create_account(api, **values):
    values.setdefault("name", "(주)해동통신")
    response = api.post("/api/v1/accounts", json=values)
    assert response.status_code == 201, response.json
    return response.json


def test_create_read_update_delete_restore(crm_api):
    account = create_account(crm_api, business_number="1234567891", phone="02-123-4567", status="vip")
    assert account["business_number"] == VALID_BRN
    assert account["number"].startswith("ACC-")
    assert account["_display"]["status"] == "VIP"
    assert account["version"] == 1

    got = crm_api.get(f"/api/v1/accounts/{account['id']}")
    assert got.status_code == 200 and got.json["name"] == "(주)해동통신"

    patched = crm_api.patch(f"/api/v1/accounts/{account['id']}", json={"status": "normal"})
    assert patched.status_code == 200
    assert patched.json["status"] == "normal" and patched.json["version"] == 2

    assert crm_api.delete(f"/api/v1/accounts/{account['id']}").status_code == 204
    assert crm_api.get(f"/api/v1/accounts/{account['id']}").status_code == 404
    assert crm_api.get("/api/v1/accounts").json["meta"]["total"] == 0
    restored = crm_api.post(f"/api/v1/accounts/{account['id']}/restore")
    assert restored.status_code == 200
    assert crm_api.get("/api/v1/accounts").json["meta"]["total"] == 1


def test_list_filters_sort_and_paging(crm_api):
    for i, status in enumerate(["vip", "normal", "vip", "partner", "vip"]):
        create_account(crm_api, name=f"회사{i}", status=status)
    listed = crm_api.get("/api/v1/accounts?status=vip&sort=-name&per_page=2&page=1").json
    assert [a["name"] for a in listed["data"]] == ["회사4", "회사2"]
    assert listed["meta"] == {"page": 1, "per_page": 2, "total": 3, "total_exact": True}
    page2 = crm_api.get("/api/v1/accounts?status=vip&sort=-name&per_page=2&page=2").json
    assert [a["name"] for a in page2["data"]] == ["회사0"]
    assert crm_api.get("/api/v1/accounts?status__in=partner,normal").json["meta"]["total"] == 2
    assert crm_api.get("/api/v1/accounts?status__ne=vip").json["meta"]["total"] == 2
    assert crm_api.get("/api/v1/accounts?name__startswith=회사3").json["data"][0]["name"] == "회사3"
    assert crm_api.get("/api/v1/accounts?email__isnull=true").json["meta"]["total"] == 5
    assert crm_api.get("/api/v1/accounts?id__gt=0&id__lte=2").json["meta"]["total"] == 2


def test_count_past_the_last_page_and_over_the_cap(crm_app_factory):
    from core.testing import ApiClient, make_user

    app = crm_app_factory(list_count_cap=3)
    api = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    for i in range(5):
        create_account(api, name=f"회사{i}", status="vip" if i < 2 else "normal")
    assert api.get("/api/v1/accounts?status=vip").json["meta"] == {
        "page": 1, "per_page": 20, "total": 2, "total_exact": True}
    # more rows than the cap: the total stops at the cap and says so
    assert api.get("/api/v1/accounts?per_page=2&page=2").json["meta"] == {
        "page": 2, "per_page": 2, "total": 3, "total_exact": False}
    # a page past the end has no row to carry the count: it is still counted
    past = api.get("/api/v1/accounts?status=vip&per_page=2&page=5").json
    assert past["data"] == [] and past["meta"]["total"] == 2 and past["meta"]["total_exact"] is True
    nothing = api.get("/api/v1/accounts?status=partner").json
    assert nothing["data"] == [] and nothing["meta"]["total"] == 0


def test_phone_lookup_by_any_written_form(crm_api):
    create_account(crm_api, name="해동", phone="02-123-4567")
    for written in ("021234567", "+82 2 123 4567", "(02) 123-4567"):
        found = crm_api.get("/api/v1/accounts", query_string={"phone": written}).json
        assert found["meta"]["total"] == 1, written


def test_full_text_search_words_and_initials(crm_api):
    create_account(crm_api, name="해동통신", representative="김철수")
    create_account(crm_api, name="대한물산", representative="이영희")
    assert [a["name"] for a in crm_api.get("/api/v1/accounts?q=ㅎㄷㅌㅅ").json["data"]] == ["해동통신"]
    assert [a["name"] for a in crm_api.get("/api/v1/accounts?q=해동 김철수").json["data"]] == ["해동통신"]
    assert crm_api.get("/api/v1/accounts?q=해동 이영희").json["data"] == []


def test_unknown_field_operator_and_bad_values_are_400(crm_api):
    response = crm_api.get("/api/v1/accounts?colour=red")
    assert response.status_code == 400 and "colour" in response.json["error"]["fields"]
    response = crm_api.get("/api/v1/accounts?name__gt=a")
    assert response.status_code == 400 and "name__gt" in response.json["error"]["fields"]
    response = crm_api.get("/api/v1/accounts?id__gt=abc")
    assert response.status_code == 400 and "id__gt" in response.json["error"]["fields"]
    assert crm_api.get("/api/v1/accounts?sort=nonsense").status_code == 400
    assert crm_api.get("/api/v1/accounts?per_page=500").status_code == 400
    assert crm_api.get("/api/v1/accounts?page=0").status_code == 400


def test_validation_errors_are_422_and_write_nothing(crm_api):
    cases = [
        ({}, "name"),
        ({"name": "x", "business_number": "123-45-67890"}, "business_number"),
        ({"name": "x", "status": "unknown"}, "status"),
        ({"name": "x", "email": "not-an-email"}, "email"),
        ({"name": "x", "colour": "red"}, "colour"),
        ({"name": "x" * 201}, "name"),
    ]
    for body, field in cases:
        response = crm_api.post("/api/v1/accounts", json=body)
        assert response.status_code == 422, body
        assert response.json["error"]["code"] == "validation_error"
        assert field in response.json["error"]["fields"], (body, response.json)
    assert crm_api.get("/api/v1/accounts").json["meta"]["total"] == 0
    assert crm_api.post("/api/v1/accounts", data="nope", headers={"Content-Type": "text/plain"}).status_code == 400


def test_unique_business_number_names_the_holder(crm_api):
    create_account(crm_api, name="원조", business_number=VALID_BRN)
    response = crm_api.post("/api/v1/accounts", json={"name": "복사", "business_number": "1234567891"})
    assert response.status_code == 422
    assert "원조" in response.json["error"]["fields"]["business_number"]


def test_reference_must_exist(crm_api):
    account = create_account(crm_api)
    ok = crm_api.post("/api/v1/contacts", json={"name": "홍길동", "account_id": account["id"]})
    assert ok.status_code == 201 and ok.json["_display"]["account_id"] == "(주)해동통신"
    bad = crm_api.post("/api/v1/contacts", json={"name": "홍길동", "account_id": 999})
    assert bad.status_code == 422 and "account_id" in bad.json["error"]["fields"]
    linked = crm_api.get(f"/api/v1/contacts?account_id={account['id']}").json
    assert linked["meta"]["total"] == 1


def test_edit_conflict_on_stale_version(crm_api):
    account = create_account(crm_api)
    url = f"/api/v1/accounts/{account['id']}"
    assert crm_api.patch(url, json={"status": "vip"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = crm_api.patch(url, json={"status": "normal"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json["error"]["current"]["status"] == "vip"
    assert crm_api.patch(url, json={"status": "normal", "version": 1}).status_code == 409
    assert crm_api.get(url).json["status"] == "vip"


def test_unauthenticated_is_401(crm_app, crm_api):
    client = crm_app.test_client()
    assert client.get("/api/v1/accounts").status_code == 401
    assert client.get("/api/v1/accounts", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/v1/accounts", json={"name": "x"}).status_code in (400, 401)
    assert client.get("/api/v1/meta/entities").status_code == 401


def test_unknown_entity_and_record_are_404(crm_api):
    assert crm_api.get("/api/v1/nothing").status_code == 404
    assert crm_api.get("/api/v1/accounts/12345").status_code == 404
    assert crm_api.get("/api/v1/accounts/12345").json["error"]["code"] == "not_found"


def test_history_records_field_changes(crm_api):
    account = create_account(crm_api, status="normal")
    crm_api.patch(f"/api/v1/accounts/{account['id']}", json={"status": "vip"})
    history = crm_api.get(f"/api/v1/accounts/{account['id']}/history").json["data"]
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changes"] == {"status": ["normal", "vip"]}


def test_openapi_document_lists_entities(crm_app, crm_api):
    doc = crm_app.test_client().get("/api/v1/openapi.json").json
    assert "/api/v1/accounts" in doc["paths"]
    assert "name" in doc["components"]["schemas"]["accounts_input"]["required"]
