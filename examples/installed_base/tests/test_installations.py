"""The installed_base plugin, tested the way a plugin author tests: the core's fixtures, its own app.

Runs on SQLite, or on PostgreSQL with ``PLUGCRM_TEST_DATABASE_URL``.
"""
from __future__ import annotations

import datetime as dt

import pytest
from flask import g, render_template

from core.i18n import local_today
from core.testing import ApiClient, make_user


@pytest.fixture
def app(crm_app_factory):
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


def test_entity_is_declared_with_its_fields_and_related_list(admin):
    names = [e["name"] for e in admin.get("/api/v1/meta/entities").json["data"]]
    assert "installations" in names
    meta = admin.get("/api/v1/meta/entities/installations?lang=ko").json
    assert meta["numbering"] == "INS-{YYYY}-{####}" and meta["plugin"] == "installed_base"
    fields = {f["name"]: f for f in meta["fields"]}
    assert fields["account_id"]["required"] and fields["account_id"]["target"] == "accounts"
    assert fields["product_name"]["required"] and fields["product_name"]["label"] == "제품"
    assert fields["licence_key"]["label"] == "키락번호"
    assert fields["users"]["type"] == "integer"
    assert fields["free_maintenance_end"]["type"] == fields["paid_maintenance_end"]["type"] == "date"
    related = admin.get("/api/v1/meta/entities/accounts").json["related"]
    assert any(r["entity"] == "installations" and r["field"] == "account_id" for r in related)


def test_create_numbers_and_lists_installations(admin):
    account = new_account(admin)
    first = install(admin, account["id"], licence_key="NZ090101", users=20, module="C011",
                    free_maintenance_end="2026-06-30", paid_maintenance_end="2027-06-30")
    second = install(admin, account["id"], product_name="프로젝트 ERP", licence_key="NZ090102",
                     paid_maintenance_end="2028-01-31")
    year = local_today().year
    assert (first["number"], second["number"]) == (f"INS-{year}-0001", f"INS-{year}-0002")
    assert second["users"] == 1  # the default
    listed = admin.get(f"/api/v1/installations?account_id={account['id']}&sort=-paid_maintenance_end").json
    assert [i["licence_key"] for i in listed["data"]] == ["NZ090102", "NZ090101"]
    found = admin.get("/api/v1/installations?q=NZ090102").json["data"]
    assert [i["id"] for i in found] == [second["id"]]
    expiring = admin.get("/api/v1/installations?paid_maintenance_end__lte=2027-12-31").json["data"]
    assert [i["id"] for i in expiring] == [first["id"]]


@pytest.mark.parametrize("values, field", [
    ({"product_name": "ERP"}, "account_id"),
    ({"account_id": "ACCOUNT"}, "product_name"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "users": 0}, "users"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "users": "스무 명"}, "users"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "paid_maintenance_end": "2027-02-30"}, "paid_maintenance_end"),
    ({"account_id": 999999, "product_name": "ERP"}, "account_id"),
    ({"account_id": "ACCOUNT", "product_name": "ERP", "licence_key": "NZ-TAKEN"}, "licence_key"),
])
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(admin, values, field):
    account = new_account(admin)
    install(admin, account["id"], licence_key="NZ-TAKEN")
    values = {k: account["id"] if v == "ACCOUNT" else v for k, v in values.items()}
    response = admin.post("/api/v1/installations", json=values, headers={"Accept-Language": "ko"})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert admin.get("/api/v1/installations").json["meta"]["total"] == 1


def test_licence_key_stays_unique_on_update(admin):
    account = new_account(admin)
    install(admin, account["id"], licence_key="NZ-1")
    other = install(admin, account["id"], licence_key="NZ-2")
    clash = admin.patch(f"/api/v1/installations/{other['id']}", json={"licence_key": "NZ-1"})
    assert clash.status_code == 422 and "licence_key" in clash.json["error"]["fields"]
    assert admin.get(f"/api/v1/installations/{other['id']}").json["licence_key"] == "NZ-2"


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


def test_account_panel_shows_only_what_the_user_may_see(app, admin):
    rep_id, rep_token = make_user(app, "rep@example.com", role="sales", name="영업사원")
    rep = ApiClient(app.test_client(), rep_token)
    account = new_account(rep, "(주)해동통신")
    today = local_today()
    install(rep, account["id"], product_name="그룹웨어", licence_key="GW-1", users=12,
            paid_maintenance_end=(today + dt.timedelta(days=10)).isoformat())
    install(admin, account["id"], product_name="관리자 전용 ERP", licence_key="ERP-9", users=30)

    title, html = render_panel(app, rep_id, account)
    assert title == "설치 제품"
    assert "그룹웨어" in html and "10일 남음" in html and "GW-1" in html
    assert "관리자 전용 ERP" not in html  # owned by the administrator, private to the rep
    _title, empty = render_panel(app, make_user(app, "new@example.com", role="sales")[0], account)
    assert "등록된 설치 제품이 없습니다." in empty


def test_renewals_page_needs_login_and_lists_due_maintenance(app, admin):
    account = new_account(admin)
    today = local_today()
    install(admin, account["id"], product_name="곧 만료", paid_maintenance_end=(today + dt.timedelta(days=20)).isoformat())
    install(admin, account["id"], product_name="한참 남음", paid_maintenance_end=(today + dt.timedelta(days=400)).isoformat())

    anonymous = app.test_client().get("/installed_base/renewals")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    page = admin.get("/installed_base/renewals?days=60&lang=ko")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "곧 만료" in html and "한참 남음" not in html and "60일 안에 끝나는 유상 유지보수" in html


def test_workflow_function_counts_days_to_the_later_end_date(app):
    with app.app_context():
        from core.runtime import runtime

        functions = {k: v for group in runtime().hook.crm_workflow_functions() for k, v in group.items()}
    days_left = functions["maintenance_days_left"]
    today = dt.date(2026, 11, 22)
    assert days_left(dt.date(2026, 12, 31), dt.date(2027, 6, 30), today=today) == 220
    assert days_left("2026-11-01", None, today=today) == -21
    assert days_left(None, None, today=today) is None


def test_plugin_off_means_no_entity_and_no_pages(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    _uid, token = make_user(app, "admin@example.com", admin=True)
    api = ApiClient(app.test_client(), token)
    assert "installations" not in [e["name"] for e in api.get("/api/v1/meta/entities").json["data"]]
    assert api.get("/api/v1/installations").status_code == 404
    assert api.get("/installed_base/renewals").status_code == 404
    assert all(r["entity"] != "installations" for r in api.get("/api/v1/meta/entities/accounts").json["related"])


def test_a_role_without_the_view_right_sees_no_panel_rows_and_no_renewals(app, admin):
    import sqlalchemy as sa

    from core.db import session
    from core.security.models import Role

    agent_id, agent_token = make_user(app, "as@example.com", role="service")
    agent = ApiClient(app.test_client(), agent_token)
    account = new_account(admin)
    install(admin, account["id"], product_name="비공개 제품", paid_maintenance_end=local_today().isoformat(),
            owner_id=agent_id)  # the agent's own record: only the missing right hides it
    assert "비공개 제품" in render_panel(app, agent_id, account)[1]
    with app.app_context():
        service_role = session().scalar(sa.select(Role.id).where(Role.name == "service"))
    changed = admin.patch(f"/api/v1/roles/{service_role}/rights", json={"installations": {"view": False}})
    assert changed.status_code == 200, changed.json
    assert agent.get("/api/v1/installations").status_code == 403
    assert agent.get("/installed_base/renewals").status_code == 403
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
