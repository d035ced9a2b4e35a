"""The recycle bin: deleted records leave lists and search, show as deleted where referenced, come back; admins purge."""
from __future__ import annotations

import datetime as dt

import pytest

import sqlalchemy as sa

from core import clock
from core.testing import ApiClient, make_user


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory()


@pytest.fixture
def people(app):
    def client(email, **kw):
        return ApiClient(app.test_client(), make_user(app, email, **kw)[1])

    return {"admin": client("admin@example.com", admin=True), "manager": client("m@example.com", role="manager"),
            "rep": client("rep@example.com", role="sales"), "peer": client("peer@example.com", role="sales"),
            "service": client("as@example.com", role="service")}


@pytest.fixture
def deleted(people):
    rep = people["rep"]
    account = rep.post("/api/v1/accounts", json={"name": "해동통신"}).json["id"]
    contact = rep.post("/api/v1/contacts", json={"name": "김철수", "account_id": account}).json["id"]
    assert rep.delete(f"/api/v1/accounts/{account}").status_code == 204
    return account, contact


def bin_of(api, **args):
    response = api.get("/api/v1/recycle-bin", query_string=args)
    assert response.status_code == 200, response.json
    return response.json


def test_deleted_record_leaves_list_and_search_and_enters_the_bin(people, deleted):
    account, _contact = deleted
    rep = people["rep"]
    assert rep.get("/api/v1/accounts").json["data"] == []
    assert rep.get("/api/v1/accounts?q=해동").json["data"] == []
    assert rep.get(f"/api/v1/accounts/{account}").status_code == 404
    listed = bin_of(rep)
    assert listed["meta"]["total"] == 1
    entry = listed["data"][0]
    assert (entry["entity"], entry["id"], entry["title"]) == ("accounts", account, "해동통신")
    assert entry["deleted_at"].endswith("Z") and entry["deleted_by_id"] is not None


def test_the_bin_shows_only_what_the_user_may_see(people, deleted):
    assert bin_of(people["manager"])["meta"]["total"] == 1
    assert bin_of(people["admin"])["meta"]["total"] == 1
    assert bin_of(people["peer"])["data"] == []
    assert bin_of(people["service"])["data"] == []
    assert bin_of(people["rep"], entity="contacts")["data"] == []
    assert people["rep"].get("/api/v1/recycle-bin?entity=nothing").status_code == 404
    assert people["rep"].get("/api/v1/recycle-bin?per_page=0").status_code == 400


def test_references_show_a_deleted_record_as_deleted(people, deleted):
    _account, contact = deleted
    english = people["rep"].get(f"/api/v1/contacts/{contact}", headers={"Accept-Language": "en"}).json
    assert english["_display"]["account_id"] == "해동통신 (in the recycle bin)"
    korean = people["rep"].get(f"/api/v1/contacts/{contact}", headers={"Accept-Language": "ko"}).json
    assert korean["_display"]["account_id"] == "해동통신 (휴지통에 있음)"


def test_restore_brings_it_back_with_what_points_at_it(people, deleted):
    account, contact = deleted
    rep = people["rep"]
    assert people["peer"].post(f"/api/v1/accounts/{account}/restore").status_code == 404
    assert rep.post(f"/api/v1/accounts/{account}/restore").status_code == 200
    assert [a["name"] for a in rep.get("/api/v1/accounts?q=해동").json["data"]] == ["해동통신"]
    assert rep.get(f"/api/v1/contacts?account_id={account}").json["data"][0]["id"] == contact
    assert rep.get(f"/api/v1/contacts/{contact}").json["_display"]["account_id"] == "해동통신"
    assert bin_of(rep)["data"] == []


def test_only_administrators_purge(people, deleted):
    account, contact = deleted
    for who in ("rep", "manager"):
        api = people[who]
        single = api.delete(f"/api/v1/recycle-bin/accounts/{account}")
        assert single.status_code == 403 and single.json["error"]["code"] == "forbidden"
        assert api.post("/api/v1/recycle-bin/purge", json={"older_than_days": 0}).status_code == 403
    assert bin_of(people["rep"])["meta"]["total"] == 1


def test_purge_one_record(people, deleted):
    account, contact = deleted
    admin = people["admin"]
    live = people["rep"].post("/api/v1/accounts", json={"name": "살아있는상사"}).json["id"]
    assert admin.delete(f"/api/v1/recycle-bin/accounts/{live}").status_code == 409
    assert admin.delete("/api/v1/recycle-bin/accounts/999999").status_code == 404
    assert admin.delete(f"/api/v1/recycle-bin/accounts/{account}").status_code == 204
    assert bin_of(admin)["data"] == []
    assert admin.post(f"/api/v1/accounts/{account}/restore").status_code == 404
    assert admin.get(f"/api/v1/contacts/{contact}").json["account_id"] is None
    assert admin.get(f"/api/v1/accounts/{live}").status_code == 200
    purged = admin.get(f"/api/v1/audit?entity=accounts&record_id={account}").json["data"]
    assert [e["action"] for e in purged] == ["purge", "delete", "create"]


def test_purge_older_than_n_days(app, people, deleted):
    account, _contact = deleted
    admin, rep = people["admin"], people["rep"]
    for bad in ({}, {"older_than_days": -1}, {"older_than_days": "30"}, {"older_than_days": True}):
        response = admin.post("/api/v1/recycle-bin/purge", json=bad)
        assert response.status_code == 422 and "older_than_days" in response.json["error"]["fields"], bad
    assert admin.post("/api/v1/recycle-bin/purge", json={"older_than_days": 30}).json["total"] == 0
    recent = rep.post("/api/v1/contacts", json={"name": "최근삭제"}).json["id"]
    rep.delete(f"/api/v1/contacts/{recent}")
    deleted_days_ago(app, "accounts", account, 31)
    result = admin.post("/api/v1/recycle-bin/purge", json={"older_than_days": 30}).json
    assert result["data"]["accounts"] == 1 and result["total"] == 1
    assert [(e["entity"], e["id"]) for e in bin_of(admin)["data"]] == [("contacts", recent)]
    assert admin.get(f"/api/v1/audit?action=purge&record_id={account}").json["meta"]["total"] == 1


def deleted_days_ago(app, entity_name, record_id, days):
    """Back-date a deletion (the bin's age is what purge looks at)."""
    from core.db import session
    from core.runtime import runtime

    with app.app_context():
        table = runtime().registry.get(entity_name).table
        when = clock.now() - dt.timedelta(days=days)
        session().execute(sa.update(table).where(table.c.id == record_id).values(deleted_at=when))
        session().commit()
