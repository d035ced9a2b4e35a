"""Issue 2's acceptance over real HTTP: ``plugcrm init`` + ``plugcrm serve`` + a token from ``plugcrm users token``.

One served instance for the module; each test works on its own records (unique names).
"""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from core.testing_instance import CliInstance, HttpClient

VALID_BRN = "123-45-67891"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    instance = CliInstance(tmp_path_factory.mktemp("http") / "instance", db_suffix="http")
    instance.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "boss-pass-1", "--language", "ko")
    instance.run("users", "create", "rep@example.com", "--password", "rep-pass-12", "--role", "sales")
    admin_token = instance.run("users", "token", "boss@example.co.kr").stdout.strip()
    rep_token = instance.run("users", "token", "rep@example.com").stdout.strip()
    with instance.serve() as base_url:
        yield base_url, admin_token, rep_token


@pytest.fixture
def api(served):
    base_url, admin_token, _rep = served
    return HttpClient(base_url, admin_token)


@pytest.fixture
def tag():
    """A unique word so tests sharing the server only see their own records."""
    return "t" + uuid.uuid4().hex[:8]


def create(api, entity, **values):
    response = api.post(f"/api/v1/{entity}", values)
    assert response.status_code == 201, response
    return response.json


def test_credentials_are_required(served):
    base_url, _admin, _rep = served
    assert HttpClient(base_url).get("/api/v1/accounts").status_code == 401
    wrong = HttpClient(base_url, "not-a-token").get("/api/v1/accounts")
    assert wrong.status_code == 401 and wrong.json["error"]["code"] == "unauthorized"
    assert HttpClient(base_url).get("/api/v1/openapi.json").json["paths"]["/api/v1/accounts"]


def test_account_crud_conflict_delete_and_restore(api, tag):
    account = create(api, "accounts", name=f"(주)해동통신 {tag}", business_number="1234567891",
                     phone="02-123-4567", status="vip")
    assert account["business_number"] == VALID_BRN and account["version"] == 1
    assert account["number"].startswith(f"ACC-{dt.date.today().year}-")
    url = f"/api/v1/accounts/{account['id']}"
    assert api.get(url).json["name"] == f"(주)해동통신 {tag}"

    patched = api.patch(url, {"status": "normal"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched.json["version"] == 2 and patched.headers["ETag"] == '"2"'
    stale = api.patch(url, {"status": "partner"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    assert api.get(url).json["status"] == "normal"

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(f"/api/v1/accounts?q={tag}").json["meta"]["total"] == 0
    restored = api.post(f"{url}/restore")
    assert restored.status_code == 200 and restored.json["status"] == "normal"
    assert api.get(f"/api/v1/accounts?q={tag}").json["meta"]["total"] == 1


def test_account_list_filter_sort_and_paging(api, tag):
    for i, status in enumerate(["vip", "normal", "vip", "partner", "vip"]):
        create(api, "accounts", name=f"{tag} 회사{i}", status=status)
    first = api.get(f"/api/v1/accounts?name__startswith={tag}&status=vip&sort=-name&per_page=2&page=1").json
    assert [a["name"] for a in first["data"]] == [f"{tag} 회사4", f"{tag} 회사2"]
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 3, "total_exact": True}
    second = api.get(f"/api/v1/accounts?name__startswith={tag}&status=vip&sort=-name&per_page=2&page=2").json
    assert [a["name"] for a in second["data"]] == [f"{tag} 회사0"]
    both = api.get(f"/api/v1/accounts?name__startswith={tag}&status__in=partner,normal&sort=name").json
    assert [a["status"] for a in both["data"]] == ["normal", "partner"]
    assert api.get(f"/api/v1/accounts?q={tag}&status__ne=vip").json["meta"]["total"] == 2


def test_contacts_reference_and_phone_lookup(api, tag):
    account = create(api, "accounts", name=f"{tag} 상사")
    contact = create(api, "contacts", name=f"홍길동 {tag}", account_id=account["id"], mobile="010-1245-7845",
                     job_title="대리")
    assert contact["_display"]["account_id"] == f"{tag} 상사"
    create(api, "contacts", name=f"김영희 {tag}", account_id=account["id"])
    linked = api.get(f"/api/v1/contacts?account_id={account['id']}&sort=name").json
    assert [c["name"] for c in linked["data"]] == [f"김영희 {tag}", f"홍길동 {tag}"]
    for written in ("01012457845", "+82 10 1245 7845"):
        found = api.get(f"/api/v1/contacts?q={tag}&mobile={written.replace('+', '%2B').replace(' ', '%20')}").json
        assert [c["id"] for c in found["data"]] == [contact["id"]], written
    bad = api.post("/api/v1/contacts", {"name": "유령", "account_id": 99999999})
    assert bad.status_code == 422 and "account_id" in bad.json["error"]["fields"]
    url = f"/api/v1/contacts/{contact['id']}"
    assert api.patch(url, {"department": "구매팀"}).json["department"] == "구매팀"
    assert api.delete(url).status_code == 204 and api.get(url).status_code == 404


@pytest.mark.parametrize("query, field", [
    ("colour=red", "colour"),
    ("name__gt=a", "name__gt"),
    ("id__gt=abc", "id__gt"),
    ("created_at__lt=yesterday", "created_at__lt"),
    ("sort=nonsense", "sort"),
    ("per_page=500", "per_page"),
    ("page=0", "page"),
])
def test_bad_list_parameters_are_400_naming_them(api, query, field):
    response = api.get(f"/api/v1/accounts?{query}")
    assert response.status_code == 400, response
    assert response.json["error"]["code"] == "bad_request" and field in response.json["error"]["fields"]


def test_bad_records_are_422_in_korean_and_write_nothing(api, tag):
    cases = [({}, "name"), ({"name": tag, "business_number": "123-45-67890"}, "business_number"),
             ({"name": tag, "status": "unknown"}, "status"), ({"name": tag, "email": "not-an-email"}, "email"),
             ({"name": tag, "colour": "red"}, "colour")]
    for body, field in cases:
        response = api.post("/api/v1/accounts", body)
        assert response.status_code == 422, (body, response)
        assert field in response.json["error"]["fields"]
        assert response.json["error"]["message"] and response.json["error"]["message"].isascii() is False
    not_json = api.request("POST", "/api/v1/accounts", None, headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 400
    assert api.get(f"/api/v1/accounts?q={tag}").json["meta"]["total"] == 0
    assert api.get("/api/v1/nothing").status_code == 404


def test_custom_field_is_set_filtered_and_sorted(api, tag):
    field = api.post("/api/v1/meta/entities/contacts/fields",
                     {"name": f"shoe_{tag}", "label": "신발 사이즈", "type": "integer"})
    assert field.status_code == 201, field
    name = field.json["name"]
    assert name == f"cf_shoe_{tag}"
    for who, size in (("가", 260), ("나", 240), ("다", 275)):
        create(api, "contacts", name=f"{who} {tag}", **{name: size})
    listed = api.get(f"/api/v1/contacts?q={tag}&{name}__gte=250&sort=-{name}").json
    assert [(c["name"], c[name]) for c in listed["data"]] == [(f"다 {tag}", 275), (f"가 {tag}", 260)]
    bad = api.post("/api/v1/contacts", {"name": f"라 {tag}", name: "큰 발"})
    assert bad.status_code == 422 and name in bad.json["error"]["fields"]
    meta = api.get("/api/v1/meta/entities/contacts").json
    assert any(f["name"] == name and f["custom"] for f in meta["fields"])


def test_picklist_value_added_is_accepted_and_unknown_rejected(api, tag):
    value = f"installed_{tag}"
    assert api.post("/api/v1/accounts", {"name": tag, "status": value}).status_code == 422
    added = api.post("/api/v1/meta/picklists/account_status/values",
                     {"value": value, "labels": {"ko": "설치완료", "en": "Installed"}})
    assert added.status_code == 201, added
    ok = api.post("/api/v1/accounts", {"name": tag, "status": value})
    assert ok.status_code == 201 and ok.json["_display"]["status"] == "설치완료"
    unknown = api.post("/api/v1/accounts", {"name": tag, "status": f"nonsense_{tag}"})
    assert unknown.status_code == 422 and "status" in unknown.json["error"]["fields"]
    assert api.get(f"/api/v1/accounts?status={value}").json["meta"]["total"] == 1


def test_sales_rep_cannot_change_metadata_or_see_others_records(served, api, tag):
    base_url, _admin, rep_token = served
    rep = HttpClient(base_url, rep_token)
    create(api, "accounts", name=f"{tag} 대표님 고객")
    assert rep.get(f"/api/v1/accounts?q={tag}").json["meta"]["total"] == 0
    mine = create(rep, "accounts", name=f"{tag} 내 고객")
    assert [a["id"] for a in rep.get(f"/api/v1/accounts?q={tag}").json["data"]] == [mine["id"]]
    assert rep.post("/api/v1/meta/entities/accounts/fields", {"name": "x", "label": "x"}).status_code == 403
