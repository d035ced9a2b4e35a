"""The one permission filter: who sees which records, on every read path; 404 for invisible, 403 for refused."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.testing import ApiClient, make_user


@dataclass
class Org:
    app: object
    admin: ApiClient
    boss: ApiClient      # owner (대표)
    manager: ApiClient   # 팀장, above both reps
    rep1: ApiClient      # 영업
    rep2: ApiClient      # 영업, rep1's peer
    service: ApiClient   # another branch
    nobody: ApiClient    # no role at all
    ids: dict


def client(app, email, **kw) -> ApiClient:
    _user_id, token = make_user(app, email, **kw)
    return ApiClient(app.test_client(), token)


def create(api, entity, **values):
    response = api.post(f"/api/v1/{entity}", json=values)
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def org(crm_app_factory):
    app = crm_app_factory()
    o = Org(app, client(app, "admin@example.com", admin=True), client(app, "boss@example.com", role="owner"),
            client(app, "manager@example.com", role="manager"), client(app, "rep1@example.com", role="sales"),
            client(app, "rep2@example.com", role="sales"), client(app, "as@example.com", role="service"),
            client(app, "nobody@example.com"), {})
    o.ids["a1"] = create(o.rep1, "accounts", name="해동통신 본사")
    o.ids["c1"] = create(o.rep1, "contacts", name="김철수", account_id=o.ids["a1"])
    o.ids["a2"] = create(o.rep2, "accounts", name="대한통신")
    o.ids["c2"] = create(o.rep2, "contacts", name="이영희", account_id=o.ids["a2"])
    o.ids["a3"] = create(o.manager, "accounts", name="팀장통신")
    o.ids["a4"] = create(o.service, "accounts", name="서비스통신")
    return o


def names(response) -> set[str]:
    assert response.status_code == 200, response.json
    return {r["name"] for r in response.json["data"]}


def test_list_shows_own_records_to_reps_and_the_team_to_the_manager(org):
    assert names(org.rep1.get("/api/v1/accounts")) == {"해동통신 본사"}
    assert names(org.rep2.get("/api/v1/accounts")) == {"대한통신"}
    assert names(org.manager.get("/api/v1/accounts")) == {"해동통신 본사", "대한통신", "팀장통신"}
    assert names(org.boss.get("/api/v1/accounts")) == {"해동통신 본사", "대한통신", "팀장통신"}
    assert names(org.service.get("/api/v1/accounts")) == {"서비스통신"}
    assert len(names(org.admin.get("/api/v1/accounts"))) == 4
    assert org.rep1.get("/api/v1/accounts").json["meta"]["total"] == 1


def test_user_without_a_role_may_not_list(org):
    response = org.nobody.get("/api/v1/accounts")
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_detail_of_an_invisible_record_is_404_like_a_missing_one(org):
    a1, a2 = org.ids["a1"], org.ids["a2"]
    assert org.rep1.get(f"/api/v1/accounts/{a1}").status_code == 200
    assert org.manager.get(f"/api/v1/accounts/{a1}").status_code == 200
    for api in (org.rep1, org.service):
        hidden = api.get(f"/api/v1/accounts/{a2}")
        missing = api.get("/api/v1/accounts/999999")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json == missing.json


def test_search_applies_the_same_filter(org):
    assert names(org.rep1.get("/api/v1/accounts", query_string={"q": "통신"})) == {"해동통신 본사"}
    assert names(org.manager.get("/api/v1/accounts", query_string={"q": "통신"})) == {
        "해동통신 본사", "대한통신", "팀장통신"}
    assert names(org.service.get("/api/v1/accounts", query_string={"q": "해동"})) == set()


def test_related_list_applies_the_same_filter(org):
    a1 = org.ids["a1"]
    assert names(org.rep1.get(f"/api/v1/contacts?account_id={a1}")) == {"김철수"}
    assert names(org.manager.get(f"/api/v1/contacts?account_id={a1}")) == {"김철수"}
    assert names(org.rep2.get(f"/api/v1/contacts?account_id={a1}")) == set()
    assert names(org.service.get(f"/api/v1/contacts?account_id={a1}")) == set()


def test_referencing_an_invisible_record_is_refused_and_its_title_not_shown(org):
    response = org.rep2.post("/api/v1/contacts", json={"name": "박민수", "account_id": org.ids["a1"]})
    assert response.status_code == 422 and "account_id" in response.json["error"]["fields"]
    # the manager gave rep2 a contact on rep1's account: rep2 sees the contact, not the account's name
    contact = org.manager.post("/api/v1/contacts", json={"name": "최지우", "account_id": org.ids["a1"],
                                                          "owner_id": user_id(org, "rep2@example.com")})
    assert contact.status_code == 201, contact.json
    seen = org.rep2.get(f"/api/v1/contacts/{contact.json['id']}").json
    assert seen["account_id"] == org.ids["a1"] and seen["_display"]["account_id"] is None


def test_history_follows_visibility(org):
    a1 = org.ids["a1"]
    assert org.rep1.patch(f"/api/v1/accounts/{a1}", json={"status": "vip"}).status_code == 200
    history = org.manager.get(f"/api/v1/accounts/{a1}/history")
    assert history.status_code == 200
    assert [h["action"] for h in history.json["data"]] == ["create", "update"]
    assert org.rep2.get(f"/api/v1/accounts/{a1}/history").status_code == 404
    assert org.service.get(f"/api/v1/accounts/{a1}/history").status_code == 404


def test_invisible_records_cannot_be_changed_and_refused_actions_are_403(org):
    a1, a2, a4 = org.ids["a1"], org.ids["a2"], org.ids["a4"]
    assert org.rep1.patch(f"/api/v1/accounts/{a2}", json={"name": "x"}).status_code == 404
    assert org.rep1.delete(f"/api/v1/accounts/{a2}").status_code == 404
    assert org.manager.patch(f"/api/v1/accounts/{a1}", json={"status": "vip"}).status_code == 200
    # service may create and edit but not delete (the core default for special branches)
    refused = org.service.delete(f"/api/v1/accounts/{a4}")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert org.nobody.post("/api/v1/accounts", json={"name": "무권한"}).status_code == 403
    assert org.admin.get(f"/api/v1/accounts/{a4}").json["version"] == 1


def test_public_read_shows_everything_but_only_owners_and_superiors_edit(org):
    a1, a2 = org.ids["a1"], org.ids["a2"]
    assert org.admin.patch("/api/v1/sharing", json={"accounts": "public_read"}).status_code == 200
    assert len(names(org.rep1.get("/api/v1/accounts"))) == 4
    assert org.rep1.get(f"/api/v1/accounts/{a2}").status_code == 200
    assert org.rep1.patch(f"/api/v1/accounts/{a2}", json={"status": "vip"}).status_code == 403
    assert org.rep1.delete(f"/api/v1/accounts/{a2}").status_code == 403
    assert org.manager.patch(f"/api/v1/accounts/{a2}", json={"status": "vip"}).status_code == 200
    assert org.rep1.patch(f"/api/v1/accounts/{a1}", json={"status": "vip"}).status_code == 200
    # contacts keep their own (private) default
    assert names(org.rep1.get("/api/v1/contacts")) == {"김철수"}


def test_public_rw_lets_everyone_with_the_right_edit(org):
    assert org.admin.patch("/api/v1/sharing", json={"accounts": "public_rw"}).status_code == 200
    assert org.rep1.patch(f"/api/v1/accounts/{org.ids['a2']}", json={"status": "vip"}).status_code == 200
    assert org.service.get(f"/api/v1/accounts/{org.ids['a2']}").json["status"] == "vip"


def test_rights_changed_by_the_administrator_apply_at_once(org):
    sales = role_id(org, "sales")
    response = org.admin.patch(f"/api/v1/roles/{sales}/rights", json={"accounts": {"view": False}})
    assert response.status_code == 200 and response.json["data"]["accounts"]["view"] is False
    assert response.json["data"]["accounts"]["create"] is True
    assert org.rep1.get("/api/v1/accounts").status_code == 403
    assert org.rep1.get(f"/api/v1/accounts/{org.ids['a1']}").status_code == 403
    # without the view right the account also vanishes from other paths
    assert names(org.rep1.get("/api/v1/contacts")) == {"김철수"}
    contact = org.rep1.get(f"/api/v1/contacts/{org.ids['c1']}").json
    assert contact["_display"]["account_id"] is None
    assert org.rep1.get("/api/v1/recycle-bin").json["data"] == []
    assert org.manager.get("/api/v1/accounts").status_code == 200


def test_metadata_tells_each_user_what_they_may_do(org):
    everything = {a: True for a in ("view", "create", "edit", "delete", "import", "export")}
    assert org.rep1.get("/api/v1/meta/entities/accounts").json["rights"] == everything
    assert org.service.get("/api/v1/meta/entities/accounts").json["rights"] == {
        "view": True, "create": True, "edit": True, "delete": False, "import": False, "export": False}
    assert not any(org.nobody.get("/api/v1/meta/entities/accounts").json["rights"].values())
    assert org.admin.get("/api/v1/meta/entities/accounts").json["rights"] == everything
    org.admin.patch("/api/v1/sharing", json={"accounts": "public_read"})
    assert org.rep1.get("/api/v1/meta/entities/accounts").json["sharing"] == "public_read"


def test_plugins_get_the_filter_for_their_own_queries(org):
    """A plugin query built from visible_select / owner_condition sees what the API sees."""
    import sqlalchemy as sa

    from core.db import session
    from core.entities.query import visible_select
    from core.runtime import runtime
    from core.security.models import User
    from core.security.permissions import owner_condition

    with org.app.app_context():
        accounts = runtime().registry.get("accounts")
        rep1 = session().scalar(sa.select(User).where(User.email == "rep1@example.com"))
        manager = session().scalar(sa.select(User).where(User.email == "manager@example.com"))
        seen = session().scalars(visible_select(accounts, rep1, accounts.table.c.name)).all()
        assert seen == ["해동통신 본사"]
        team = session().scalars(sa.select(accounts.table.c.name)
                                 .where(owner_condition(accounts.table.c.owner_id, manager))).all()
        assert sorted(team) == sorted(["해동통신 본사", "대한통신", "팀장통신"])
        assert "owner_id" in str(visible_select(accounts, rep1))  # a SQL condition, not a Python filter


def test_visibility_condition_hook_narrows_every_path(crm_app_factory, tmp_path):
    plugin = tmp_path / "plugins" / "territory" / "__init__.py"
    plugin.parent.mkdir(parents=True)
    plugin.write_text(
        "from core.plugins import Manifest\n"
        "from hooks import hookimpl\n"
        "manifest = Manifest(name='territory', version='1', label='Territory', depends=['customers'])\n"
        "@hookimpl\n"
        "def crm_visibility_condition(entity, user):\n"
        "    if entity.name == 'accounts' and not user.is_admin:\n"
        "        return entity.table.c.name.not_like('%비밀%')\n"
    )
    app = crm_app_factory(plugins=["customers", "territory"], plugins_dir=str(plugin.parent.parent))
    rep = client(app, "rep@example.com", role="sales")
    hidden = create(rep, "accounts", name="비밀상사")
    create(rep, "accounts", name="공개상사")
    assert names(rep.get("/api/v1/accounts")) == {"공개상사"}
    assert rep.get(f"/api/v1/accounts/{hidden}").status_code == 404


def role_id(org, name) -> int:
    return next(r["id"] for r in org.admin.get("/api/v1/roles").json["data"] if r["name"] == name)


def user_id(org, email) -> int:
    return next(u["id"] for u in org.admin.get("/api/v1/users").json["data"] if u["email"] == email)


def exported_names(api, entity="accounts") -> set[str]:
    response = api.get(f"/api/v1/exports/{entity}?scope=all&format=csv")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True)
    return {name for name in ("해동통신 본사", "대한통신", "팀장통신", "서비스통신", "김철수", "이영희") if name in text}


def test_export_applies_the_same_filter_and_needs_the_export_right(org):
    assert exported_names(org.rep1) == {"해동통신 본사"}
    assert exported_names(org.manager) == {"해동통신 본사", "대한통신", "팀장통신"}
    assert exported_names(org.rep1, "contacts") == {"김철수", "해동통신 본사"}  # with the account it refers to
    # the service branch has no export right by default, and no role at all means no export either
    assert org.service.get("/api/v1/exports/accounts?scope=all&format=csv").status_code == 403
    assert org.nobody.get("/api/v1/exports/accounts?scope=all&format=csv").status_code == 403
    sales = role_id(org, "sales")
    org.admin.patch(f"/api/v1/roles/{sales}/rights", json={"accounts": {"export": False}})
    assert org.rep1.get("/api/v1/exports/accounts?scope=all&format=csv").status_code == 403


def test_visibility_grants_open_private_records_for_reading_only(crm_app_factory, tmp_path):
    """A plugin grants reading (e.g. to a task's assignees); changing stays with owner and superiors."""
    plugin = tmp_path / "plugins" / "grants_demo" / "__init__.py"
    plugin.parent.mkdir(parents=True)
    plugin.write_text(
        "from core.plugins import Manifest\n"
        "from hooks import hookimpl\n"
        "manifest = Manifest(name='grants_demo', version='1', label='Grants', depends=['customers'])\n"
        "@hookimpl\n"
        "def crm_visibility_grants(entity, user):\n"
        "    if entity.name == 'accounts':\n"
        "        return entity.table.c.name.like('%' + user.name + '%')\n"
    )
    app = crm_app_factory(plugins=["customers", "grants_demo"], plugins_dir=str(plugin.parent.parent))
    owner = client(app, "owner@example.com", role="sales")
    kim = client(app, "kim@example.com", role="sales")
    other = client(app, "lee@example.com", role="sales")
    shared = create(owner, "accounts", name="kim 담당 상사")
    create(owner, "accounts", name="비공개 상사")
    assert names(kim.get("/api/v1/accounts")) == {"kim 담당 상사"}
    assert names(other.get("/api/v1/accounts")) == set()
    assert kim.get(f"/api/v1/accounts/{shared}").status_code == 200
    assert kim.patch(f"/api/v1/accounts/{shared}", json={"status": "vip"}).status_code == 403
    assert len(names(owner.get("/api/v1/accounts"))) == 2
