"""The installed_base plugin, tested the way a plugin author tests: the core's fixtures, its own app.

The fixture runs the plugin's Alembic migrations (SQLite, or PostgreSQL with
``PLUGCRM_TEST_DATABASE_URL``); ``crm_clock`` freezes today at 2026-03-02 (Seoul).
"""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import g, render_template

from core.testing import ApiClient, make_user, schema_differences
from core.testing_route_leaks import check_route_leaks
from installed_base import maintenance_days_left


@pytest.fixture
def app(crm_app_factory, crm_clock):
    return crm_app_factory(plugins=["customers", "installed_base"])


@pytest.fixture
def admin(app):
    _uid, token = make_user(app, "admin@example.com", admin=True, name="관리자")
    return ApiClient(app.test_client(), token)


def new_account(api, name="(주)재근상사"):
    response = api.post("/api/v1/accounts", json={"name": name})
    assert response.status_code == 201, response.json
    return response.json


def install(api, account_id, **values):
    values = {"account_id": account_id, "product_name": "뉴젠 ERP 기본형", **values}
    response = api.post("/api/v1/installations", json=values)
    assert response.status_code == 201, response.json
    return response.json


def test_its_migrations_made_the_table(app):
    with app.extensions["plugcrm"].engine.connect() as conn:
        heads = set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
        columns = {c["name"] for c in sa.inspect(conn).get_columns("installed_base_installations")}
    assert "installed_base_0002" in heads
    assert {"product_line", "contract", "licence_key", "paid_maintenance_end"} <= columns
    assert schema_differences(app, "installed_base") == []  # the migrations make what the entity declares


def test_an_account_with_installations_cannot_be_purged(admin):
    account = new_account(admin)
    install(admin, account["id"])
    assert admin.delete(f"/api/v1/accounts/{account['id']}").status_code == 204
    purged = admin.delete(f"/api/v1/recycle-bin/accounts/{account['id']}", headers={"Accept-Language": "ko"})
    assert purged.status_code == 409, purged.json
    assert admin.get("/api/v1/installations").json["data"][0]["account_id"] == account["id"]


def test_entity_is_declared_with_its_fields_picklists_and_related_list(admin):
    meta = admin.get("/api/v1/meta/entities/installations?lang=ko").json
    assert meta["numbering"] == "INS-{YYYY}-{####}" and meta["plugin"] == "installed_base"
    fields = {f["name"]: f for f in meta["fields"]}
    assert fields["account_id"]["required"] and fields["account_id"]["target"] == "accounts"
    assert fields["licence_key"]["label"] == "키락번호" and fields["product_line"]["label"] == "제품군"
    assert [v["label"] for v in fields["contract"]["values"]] == ["무상", "유상", "미계약"]
    related = admin.get("/api/v1/meta/entities/accounts").json["related"]
    assert any(r["entity"] == "installations" and r["field"] == "account_id" for r in related)


def test_create_numbers_defaults_and_lists_installations(admin):
    account = new_account(admin)
    first = install(admin, account["id"], licence_key="NZ090101", users=20, module="C011", product_line="erp",
                    free_maintenance_end="2026-06-30", paid_maintenance_end="2027-06-30")
    second = install(admin, account["id"], product_name="프로젝트 ERP", licence_key="NZ090102",
                     paid_maintenance_end="2028-01-31")
    assert (first["number"], second["number"]) == ("INS-2026-0001", "INS-2026-0002")
    assert (second["users"], second["contract"]) == (1, "free")  # the defaults
    listed = admin.get(f"/api/v1/installations?account_id={account['id']}&sort=-paid_maintenance_end").json
    assert [i["licence_key"] for i in listed["data"]] == ["NZ090102", "NZ090101"]
    assert [i["id"] for i in admin.get("/api/v1/installations?q=NZ090102").json["data"]] == [second["id"]]
    assert [i["id"] for i in admin.get("/api/v1/installations?product_line=erp").json["data"]] == [first["id"]]


@pytest.mark.parametrize("values, field", [
    ({"product_name": "ERP"}, "account_id"),
    ({"account_id": "ACCOUNT"}, "product_name"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "users": 0}, "users"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "users": "스무 명"}, "users"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "paid_maintenance_end": "2027-02-30"}, "paid_maintenance_end"),
    ({"account_id": 999999, "product_name": "ERP"}, "account_id"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "licence_key": "NZ-TAKEN"}, "licence_key"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "contract": "lifetime"}, "contract"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "free_maintenance_end": "2027-01-01",
      "paid_maintenance_end": "2026-12-31"}, "paid_maintenance_end"),
])
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(admin, values, field):
    account = new_account(admin)
    install(admin, account["id"], licence_key="NZ-TAKEN")
    values = {k: account["id"] if v == "ACCOUNT" else v for k, v in values.items()}
    response = admin.post("/api/v1/installations", json=values, headers={"Accept-Language": "ko"})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert admin.get("/api/v1/installations").json["meta"]["total"] == 1


def test_the_date_rule_sees_the_stored_date_when_a_patch_sends_only_one(admin):
    account = new_account(admin)
    item = install(admin, account["id"], free_maintenance_end="2026-12-31")
    refused = admin.patch(f"/api/v1/installations/{item['id']}", json={"paid_maintenance_end": "2026-06-30"},
                          headers={"Accept-Language": "ko"})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"]["paid_maintenance_end"] == "유상 유지보수는 무상 유지보수가 끝난 뒤에 끝나야 합니다."
    ok = admin.patch(f"/api/v1/installations/{item['id']}", json={"paid_maintenance_end": "2027-12-31"})
    assert ok.status_code == 200 and ok.json["paid_maintenance_end"] == "2027-12-31"


def render_panel(app, user_id, account):
    """The account record-page panel as the given user sees it, in Korean."""
    from core.db import session
    from core.runtime import runtime
    from core.security.models import User

    with app.test_request_context("/?lang=ko"):
        accounts = runtime().registry.get("accounts")
        panels = [p for group in runtime().hook.crm_record_panels(entity=accounts) for p in group]
        panel = next(p for p in panels if p["template"] == "installed_base/panel.html")
        g.crm_user = session().get(User, user_id)
        return str(panel["title"]), render_template(panel["template"], record=account, entity=accounts)


def test_account_panel_shows_only_what_the_user_may_see_with_current_labels(app, admin):
    rep_id, rep_token = make_user(app, "rep@example.com", role="sales", name="영업사원")
    rep = ApiClient(app.test_client(), rep_token)
    account = new_account(rep, "(주)해동통신")
    install(rep, account["id"], product_name="그룹웨어", licence_key="GW-1", users=12, product_line="groupware",
            contract="paid", paid_maintenance_end="2026-03-12")
    install(admin, account["id"], product_name="관리자 전용 ERP", licence_key="ERP-9", users=30)
    renamed = admin.patch("/api/v1/meta/picklists/installed_base_contracts/values/paid",
                          json={"labels": {"ko": "유상(연간)", "zh_Hans": "付费", "en": "Paid"}})
    assert renamed.status_code == 200, renamed.json

    title, html = render_panel(app, rep_id, account)
    assert title == "설치 제품"
    assert "그룹웨어" in html and "10일 남음" in html and "GW-1" in html and "유상(연간)" in html
    assert "관리자 전용 ERP" not in html  # owned by the administrator, private to the rep
    _title, empty = render_panel(app, make_user(app, "new@example.com", role="sales")[0], account)
    assert "등록된 설치 제품이 없습니다." in empty


def test_workflow_function_counts_days_to_the_later_end_date(app):
    with app.app_context():
        from core.runtime import runtime

        functions = {k: v for group in runtime().hook.crm_workflow_functions() for k, v in group.items()}
        assert functions["maintenance_days_left"] is maintenance_days_left
        assert maintenance_days_left("2026-03-01", None) == -1  # the frozen clock: 2026-03-02 in Seoul
    today = dt.date(2026, 11, 22)
    assert maintenance_days_left(dt.date(2026, 12, 31), dt.date(2027, 6, 30), today_=today) == 220
    assert maintenance_days_left(None, None, today_=today) is None


def test_plugin_off_means_no_entity_and_no_related_list(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    _uid, token = make_user(app, "admin@example.com", admin=True)
    api = ApiClient(app.test_client(), token)
    assert "installations" not in [e["name"] for e in api.get("/api/v1/meta/entities").json["data"]]
    assert api.get("/api/v1/installations").status_code == 404
    assert all(r["entity"] != "installations" for r in api.get("/api/v1/meta/entities/accounts").json["related"])


def test_a_role_without_the_view_right_sees_no_panel_rows(app, admin):
    from core.db import session
    from core.security.models import Role

    agent_id, agent_token = make_user(app, "as@example.com", role="service")
    agent = ApiClient(app.test_client(), agent_token)
    account = new_account(admin)
    install(admin, account["id"], product_name="비공개 제품", owner_id=agent_id)  # the agent's own record
    assert "비공개 제품" in render_panel(app, agent_id, account)[1]
    with app.app_context():
        service_role = session().scalar(sa.select(Role.id).where(Role.name == "service"))
    changed = admin.patch(f"/api/v1/roles/{service_role}/rights", json={"installations": {"view": False}})
    assert changed.status_code == 200, changed.json
    assert agent.get("/api/v1/installations").status_code == 403
    _title, html = render_panel(app, agent_id, account)
    assert "비공개 제품" not in html and "등록된 설치 제품이 없습니다." in html


def test_account_page_shows_the_panel_and_the_related_tab(app, admin):
    account = new_account(admin)
    install(admin, account["id"], product_name="뉴젠 그룹웨어", licence_key="GW-77", users=7)
    page = admin.get(f"/records/accounts/{account['id']}?lang=ko")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("설치 제품") >= 2  # the panel's title and the related tab
    assert "GW-77" in html and "총 유저수" in html


def test_its_routes_leak_nothing(app):
    check_route_leaks(app, plugin="installed_base")
