"""Administering roles, rights, sharing and users; ownership transfer; the audit and login logs."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory()


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True, name="관리자")[1])


def user_client(app, email, role="sales") -> tuple[int, ApiClient]:
    user_id, token = make_user(app, email, role=role)
    return user_id, ApiClient(app.test_client(), token)


def roles_by_name(admin) -> dict:
    return {r["name"]: r for r in admin.get("/api/v1/roles").json["data"]}


def test_default_role_tree_is_seeded_with_labels_in_the_users_language(admin):
    roles = roles_by_name(admin)
    assert set(roles) == {"owner", "director", "manager", "sales", "service", "warehouse", "purchasing"}
    assert roles["sales"]["parent_id"] == roles["manager"]["id"]
    assert roles["manager"]["parent_id"] == roles["director"]["id"]
    assert roles["director"]["parent_id"] == roles["owner"]["id"]
    assert roles["owner"]["parent_id"] is None and roles["service"]["parent_id"] is None
    ko = admin.get("/api/v1/roles", headers={"Accept-Language": "ko"}).json["data"]
    assert {r["name"]: r["label"] for r in ko}["manager"] == "팀장"
    zh = admin.get("/api/v1/roles?lang=zh_Hans").json["data"]
    assert {r["name"]: r["label"] for r in zh}["owner"] == "总经理"


def test_role_crud_refuses_cycles_and_deleting_a_role_in_use(app, admin):
    roles = roles_by_name(admin)
    created = admin.post("/api/v1/roles", json={"name": "sales_busan", "label": "부산 영업",
                                                "parent_id": roles["manager"]["id"]})
    assert created.status_code == 201, created.json
    new_id = created.json["id"]
    # a role cannot go under itself or under one of its descendants
    cycle = admin.patch(f"/api/v1/roles/{roles['director']['id']}", json={"parent_id": new_id})
    assert cycle.status_code == 422 and "parent_id" in cycle.json["error"]["fields"]
    assert admin.patch(f"/api/v1/roles/{new_id}", json={"parent_id": new_id}).status_code == 422
    assert roles_by_name(admin)["director"]["parent_id"] == roles["owner"]["id"]
    # bad input: 422 naming the field, nothing created
    for bad in ({"name": "Bad Name", "label": "x"}, {"name": "ok_name"}, {"name": "sales", "label": "dup"},
                {"name": "x1", "label": "x", "parent_id": 99999}, {"name": "x2", "label": "x", "colour": "red"}):
        response = admin.post("/api/v1/roles", json=bad)
        assert response.status_code == 422, bad
    assert len(roles_by_name(admin)) == 8
    # a role with users cannot be deleted; an empty one can
    make_user(app, "busan@example.com", role="sales_busan")
    refused = admin.delete(f"/api/v1/roles/{new_id}")
    assert refused.status_code == 409
    assert admin.delete(f"/api/v1/roles/{roles['purchasing']['id']}").status_code == 204
    assert "purchasing" not in roles_by_name(admin)
    assert admin.delete(f"/api/v1/roles/{roles['owner']['id']}").status_code == 409  # has sub-roles


def test_moving_a_role_changes_who_sees_what(app, admin):
    _rep_id, rep = user_client(app, "rep@example.com", role="sales")
    _svc_id, svc = user_client(app, "svc@example.com", role="service")
    account = rep.post("/api/v1/accounts", json={"name": "해동통신"}).json["id"]
    assert svc.get(f"/api/v1/accounts/{account}").status_code == 404
    roles = roles_by_name(admin)
    admin.patch(f"/api/v1/roles/{roles['sales']['id']}", json={"parent_id": roles["service"]["id"]})
    assert svc.get(f"/api/v1/accounts/{account}").status_code == 200


def test_rights_api_validates_and_only_administrators_use_it(app, admin):
    _uid, rep = user_client(app, "rep@example.com")
    sales = roles_by_name(admin)["sales"]["id"]
    rights = admin.get(f"/api/v1/roles/{sales}/rights").json["data"]
    assert rights["accounts"] == {a: True for a in ("view", "create", "edit", "delete", "import", "export")}
    for bad in ({"nothing": {"view": True}}, {"accounts": {"fly": True}}, {"accounts": {"view": "yes"}},
                {"accounts": ["view"]}):
        assert admin.patch(f"/api/v1/roles/{sales}/rights", json=bad).status_code == 422, bad
    assert admin.get(f"/api/v1/roles/{sales}/rights").json["data"]["accounts"]["view"] is True
    assert rep.get(f"/api/v1/roles/{sales}/rights").status_code == 403
    assert rep.patch(f"/api/v1/roles/{sales}/rights", json={"accounts": {"view": True}}).status_code == 403
    assert rep.get("/api/v1/roles").status_code == 403
    assert rep.post("/api/v1/roles", json={"name": "x", "label": "x"}).status_code == 403
    assert admin.get("/api/v1/roles/99999/rights").status_code == 404


def test_export_right_is_separate_from_view(app, admin):
    _uid, rep = user_client(app, "rep@example.com")
    sales = roles_by_name(admin)["sales"]["id"]
    admin.patch(f"/api/v1/roles/{sales}/rights", json={"accounts": {"export": False, "import": False}})
    meta = rep.get("/api/v1/meta/entities/accounts").json["rights"]
    assert meta["view"] is True and meta["export"] is False and meta["import"] is False


def test_sharing_api(app, admin):
    _uid, rep = user_client(app, "rep@example.com")
    shown = {s["entity"]: s for s in admin.get("/api/v1/sharing").json["data"]}
    assert shown["accounts"] == {"entity": "accounts", "sharing": "private", "default": "private", "owned": True}
    assert admin.patch("/api/v1/sharing", json={"accounts": "everyone"}).status_code == 422
    assert admin.patch("/api/v1/sharing", json={"nothing": "private"}).status_code == 422
    assert rep.patch("/api/v1/sharing", json={"accounts": "public_rw"}).status_code == 403
    assert rep.get("/api/v1/sharing").status_code == 403
    changed = admin.patch("/api/v1/sharing", json={"accounts": "public_rw"}).json["data"]
    assert {s["entity"]: s["sharing"] for s in changed}["accounts"] == "public_rw"


def test_users_admin_and_the_colleague_list(app, admin):
    _uid, rep = user_client(app, "rep@example.com")
    sales = roles_by_name(admin)["sales"]["id"]
    created = admin.post("/api/v1/users", json={"email": "Kim@Example.co.kr", "name": "김영업",
                                                "password": "long-enough-1", "role_id": sales, "language": "ko"})
    assert created.status_code == 201, created.json
    user = created.json
    assert user["email"] == "kim@example.co.kr" and "password" not in user and "password_hash" not in user
    for bad, field in (({"email": "kim@example.co.kr", "name": "x", "password": "long-enough-1"}, "email"),
                       ({"email": "not-an-email", "name": "x", "password": "long-enough-1"}, "email"),
                       ({"email": "a@b.kr", "name": "x", "password": "short"}, "password"),
                       ({"email": "a@b.kr", "name": "x", "password": "long-enough-1", "role_id": 999}, "role_id"),
                       ({"email": "a@b.kr", "name": "x", "password": "long-enough-1", "language": "fr"}, "language"),
                       ({"email": "a@b.kr", "password": "long-enough-1"}, "name")):
        response = admin.post("/api/v1/users", json=bad)
        assert response.status_code == 422 and field in response.json["error"]["fields"], bad
    # non-administrators: 403 on everything but the minimal colleague list
    colleagues = rep.get("/api/v1/users").json["data"]
    assert {"id": user["id"], "name": "김영업"} in colleagues
    assert all(set(c) == {"id", "name"} for c in colleagues)
    assert rep.post("/api/v1/users", json={"email": "x@y.kr", "name": "x", "password": "long-enough-1"}
                    ).status_code == 403
    assert rep.patch(f"/api/v1/users/{user['id']}", json={"is_admin": True}).status_code == 403
    assert rep.get(f"/api/v1/users/{user['id']}").status_code == 403
    # update and deactivate: a deactivated user's token stops working
    assert admin.patch(f"/api/v1/users/{user['id']}", json={"name": "김팀장"}).json["name"] == "김팀장"
    rep_id = next(c["id"] for c in colleagues if c["name"] == "rep")
    deactivated = admin.delete(f"/api/v1/users/{rep_id}")
    assert deactivated.status_code == 200 and deactivated.json["active"] is False
    assert rep.get("/api/v1/accounts").status_code == 401
    assert admin.get("/api/v1/users?active=false").json["data"][0]["email"] == "rep@example.com"


def test_administrator_cannot_lock_themselves_out(admin):
    me = next(u for u in admin.get("/api/v1/users").json["data"] if u["email"] == "admin@example.com")
    assert admin.delete(f"/api/v1/users/{me['id']}").status_code == 409
    assert admin.patch(f"/api/v1/users/{me['id']}", json={"is_admin": False}).status_code == 422
    assert admin.get("/api/v1/roles").status_code == 200


def test_transfer_moves_every_record_in_one_call_and_is_audited(app, admin):
    leaving_id, leaving = user_client(app, "leaving@example.com")
    heir_id, heir = user_client(app, "heir@example.com")
    account = leaving.post("/api/v1/accounts", json={"name": "해동통신"}).json["id"]
    contact = leaving.post("/api/v1/contacts", json={"name": "김철수", "account_id": account}).json["id"]
    binned = leaving.post("/api/v1/accounts", json={"name": "휴지통상사"}).json["id"]
    leaving.delete(f"/api/v1/accounts/{binned}")
    assert heir.get(f"/api/v1/accounts/{account}").status_code == 404

    for bad in ({"to_user_id": 99999}, {"to_user_id": leaving_id}, {}, {"to_user_id": heir_id, "entities": ["x"]}):
        assert admin.post(f"/api/v1/users/{leaving_id}/transfer", json=bad).status_code == 422, bad
    assert heir.post(f"/api/v1/users/{leaving_id}/transfer", json={"to_user_id": heir_id}).status_code == 403

    moved = admin.post(f"/api/v1/users/{leaving_id}/transfer", json={"to_user_id": heir_id})
    assert moved.status_code == 200
    assert moved.json["data"]["accounts"] == 2 and moved.json["data"]["contacts"] == 1
    assert heir.get(f"/api/v1/accounts/{account}").json["owner_id"] == heir_id
    assert heir.get(f"/api/v1/contacts/{contact}").status_code == 200
    assert leaving.get(f"/api/v1/accounts/{account}").status_code == 404
    history = heir.get(f"/api/v1/accounts/{account}/history").json["data"]
    assert history[-1]["action"] == "transfer" and history[-1]["changes"] == {"owner_id": [leaving_id, heir_id]}
    audit = admin.get("/api/v1/audit?action=transfer").json
    assert audit["meta"]["total"] == 3
    assert {(e["entity"], e["record_id"]) for e in audit["data"]} == {
        ("accounts", account), ("accounts", binned), ("contacts", contact)}


def test_audit_log_is_admin_only_filterable_and_read_only(app, admin):
    _uid, rep = user_client(app, "rep@example.com")
    account = rep.post("/api/v1/accounts", json={"name": "해동통신"}).json["id"]
    rep.patch(f"/api/v1/accounts/{account}", json={"status": "vip"})
    log = admin.get(f"/api/v1/audit?entity=accounts&record_id={account}").json
    assert [e["action"] for e in log["data"]] == ["update", "create"]
    assert log["data"][0]["changes"]["status"] == ["prospect", "vip"]
    assert admin.get("/api/v1/audit?action=update&per_page=1").json["meta"] == {
        "page": 1, "per_page": 1, "total": 1}
    assert admin.get("/api/v1/audit?since=2000-01-01&until=2001-01-01").json["data"] == []
    assert admin.get("/api/v1/audit?record_id=abc").status_code == 400
    assert admin.get("/api/v1/audit?since=yesterday").status_code == 400
    assert rep.get("/api/v1/audit").status_code == 403
    assert rep.get("/api/v1/login-log").status_code == 403
    entry = log["data"][0]["id"]
    for method in ("PATCH", "PUT", "DELETE", "POST"):
        for url in ("/api/v1/audit", f"/api/v1/audit/{entry}", "/api/v1/login-log"):
            assert admin.client.open(url, method=method, json={}, headers={
                "Authorization": f"Bearer {admin.token}"}).status_code in (404, 405), (method, url)
    assert len(admin.get(f"/api/v1/audit?entity=accounts&record_id={account}").json["data"]) == 2
