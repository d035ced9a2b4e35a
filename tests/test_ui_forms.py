"""Forms from metadata, server-side validation beside each field, edit conflicts, type-ahead, the shell."""
from __future__ import annotations

import re

import sqlalchemy as sa

from core.testing import ApiClient, make_user
from tests.browser.support import Browser, create, logged_in, ui_app


def field_error(html: str, name: str) -> str | None:
    match = re.search(r'data-field="' + name + r'">.*?<div class="field-error"[^>]*>([^<]*)</div>', html, re.S)
    block = re.search(r'<div class="form-field[^"]*" data-field="' + name + r'">(.*?)</div>\s*(?:<div class="form-field|</div>)', html, re.S)
    return match.group(1) if match and block and "field-error" in block.group(1) else None


def count(app, entity_name: str) -> int:
    from core.db import session
    from core.runtime import runtime
    with app.app_context():
        table = runtime().registry.get(entity_name).table
        return session().scalar(sa.select(sa.func.count()).select_from(table))


def test_form_shows_every_field_with_required_marks_and_validates_on_the_server(crm_app_factory):
    app = ui_app(crm_app_factory)
    admin_id, _ = make_user(app, "admin@example.com", admin=True, name="관리자")
    parent = create(app, "gadgets", {"name": "상위"})
    browser = logged_in(app, "admin@example.com")
    form = browser.get("/records/gadgets/new").text
    for name in ("name", "note", "email", "site", "phone", "qty", "weight", "price", "rate", "active", "due",
                 "seen_at", "status", "tags", "parent_id", "keeper_id", "owner_id"):
        assert f'data-field="{name}"' in form, name
    assert re.search(r'data-field="name">\s*<label[^>]*>[^<]*<span class="required-mark"', form)
    bad = browser.post("/records/gadgets/new", {"_fields": ["name", "email", "qty", "due", "parent_id"], "name": "",
                                                "email": "not-an-email", "qty": "-3", "due": "31/02/2026",
                                                "parent_id": str(parent["id"]), "owner_id": str(admin_id)})
    assert bad.status_code == 422
    assert field_error(bad.text, "name") == "필수 항목입니다."
    assert field_error(bad.text, "email") == "올바른 이메일 주소가 아닙니다."
    assert field_error(bad.text, "qty") == "0 이상이어야 합니다."
    assert field_error(bad.text, "due") == "올바른 날짜가 아닙니다 (YYYY-MM-DD)."
    assert 'value="not-an-email"' in bad.text  # what was typed stays in the form
    assert 'value="상위"' in bad.text  # with the chosen reference's title
    assert count(app, "gadgets") == 1
    good = browser.post("/records/gadgets/new", {"_fields": ["name", "qty", "price", "tags", "active"],
                                                 "name": "새 가젯", "qty": "1,200", "price": "₩15,000",
                                                 "tags": ["red", "blue"], "active": "1"})
    assert good.status_code == 302 and count(app, "gadgets") == 2
    detail = browser.get(good.headers["Location"]).text
    assert "₩15,000" in detail and "1,200" in detail and "빨강, 파랑" in detail


def test_money_follows_the_deployment_currency(crm_app_factory):
    app = ui_app(crm_app_factory, currency="CNY")
    make_user(app, "admin@example.com", admin=True)
    gadget = create(app, "gadgets", {"name": "g", "price": "1234.5", "seen_at": "2026-11-22T15:30:00Z"})
    browser = logged_in(app, "admin@example.com")
    browser.post("/me/language", {"language": "zh_Hans"})
    detail = browser.get(f"/records/gadgets/{gadget['id']}").text
    assert "¥1,234.50" in detail
    assert "2026/11/23 00:30" in detail  # stored UTC, shown in Asia/Seoul


def test_edit_conflict_shows_the_other_change_and_changes_nothing(crm_app_factory):
    app = ui_app(crm_app_factory)
    _admin, token = make_user(app, "admin@example.com", admin=True)
    gadget = create(app, "gadgets", {"name": "처음 이름", "qty": 1})
    browser = logged_in(app, "admin@example.com")
    form = browser.get(f"/records/gadgets/{gadget['id']}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    api = ApiClient(app.test_client(), token)
    assert api.patch(f"/api/v1/gadgets/{gadget['id']}", json={"qty": 7}).status_code == 200
    conflict = browser.post(f"/records/gadgets/{gadget['id']}/edit",
                            {"_fields": ["name", "qty"], "name": "내 이름", "qty": "2", "version": version})
    assert conflict.status_code == 409
    assert "다른 사용자가 이 레코드를 변경했습니다" in conflict.text
    table = re.search(r'id="conflict".*?</section>', conflict.text, re.S).group(0)
    assert "<b>7</b>" in table and ">2<" in table
    assert api.get(f"/api/v1/gadgets/{gadget['id']}").get_json()["name"] == "처음 이름"
    new_version = re.search(r'name="version" value="(\d+)"', conflict.text).group(1)
    again = browser.post(f"/records/gadgets/{gadget['id']}/edit",
                         {"_fields": ["name", "qty"], "name": "내 이름", "qty": "2", "version": new_version})
    assert again.status_code == 302
    assert api.get(f"/api/v1/gadgets/{gadget['id']}").get_json()["name"] == "내 이름"


def test_reference_lookup_only_offers_visible_records(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers", "uitest"))
    make_user(app, "manager@example.com", role="manager")
    make_user(app, "rep@example.com", role="sales")
    create(app, "accounts", {"name": "비밀상사"}, "manager@example.com")
    create(app, "accounts", {"name": "비전상사"}, "rep@example.com")
    rep = logged_in(app, "rep@example.com")
    titles = [r["title"] for r in rep.get("/records/accounts/lookup?q=ㅂ").get_json()["data"]]
    assert titles == ["비전상사"]
    manager = logged_in(app, "manager@example.com")
    assert len(manager.get("/records/accounts/lookup?q=상사").get_json()["data"]) == 2
    form = rep.get("/records/contacts/new").text
    assert 'data-lookup="/records/accounts/lookup"' in form and 'data-quick-create="accounts"' in form


def test_language_choice_is_stored_on_the_user(crm_app_factory):
    app = ui_app(crm_app_factory, language="en")
    make_user(app, "admin@example.com", admin=True)
    browser = logged_in(app, "admin@example.com")
    assert "Workbench" in browser.get("/").text
    assert browser.post("/me/language", {"language": "zh_Hans"}).status_code == 302
    assert "工作台" in browser.get("/").text
    assert "工作台" in logged_in(app, "admin@example.com").get("/").text  # a new session keeps it
    assert browser.post("/me/language", {"language": "fr"}).status_code == 422


def test_password_change(crm_app_factory):
    app = ui_app(crm_app_factory)
    make_user(app, "rep@example.com", role="sales")
    browser = logged_in(app, "rep@example.com")
    wrong = browser.post("/me/password", {"current_password": "nope", "new_password": "short",
                                          "confirm_password": "short"})
    assert wrong.status_code == 422
    assert "현재 비밀번호가 틀렸습니다." in wrong.text and "최소 10자입니다." in wrong.text
    ok = browser.post("/me/password", {"current_password": "password123", "new_password": "new-secret-9",
                                       "confirm_password": "new-secret-9"})
    assert ok.status_code == 302
    Browser(app).login("rep@example.com", "new-secret-9")


def test_login_errors_and_logout(crm_app_factory):
    app = ui_app(crm_app_factory)
    make_user(app, "rep@example.com", role="sales")
    browser = Browser(app)
    assert browser.get("/records/gadgets").status_code == 302  # the login page first
    page = browser.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.client.post("/login", data={"email": "rep@example.com", "password": "bad", "csrf_token": token})
    assert response.status_code == 401 and "이메일 또는 비밀번호가 틀렸습니다." in response.text
    for _ in range(6):
        response = browser.client.post("/login", data={"email": "rep@example.com", "password": "bad",
                                                       "csrf_token": token})
    assert response.status_code == 429 and "로그인 실패가 너무 많습니다" in response.text
    make_user(app, "other@example.com", role="sales")
    other = logged_in(app, "other@example.com")
    assert other.get("/").status_code == 200
    assert other.post("/logout").status_code == 302
    assert other.get("/").status_code == 302


def test_menu_follows_rights_and_plugins(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers", "uitest"))
    make_user(app, "admin@example.com", admin=True)
    make_user(app, "clerk@example.com", role="warehouse")
    admin_menu = logged_in(app, "admin@example.com").get("/").text
    assert 'data-menu="accounts"' in admin_menu and 'data-menu="gadgets"' in admin_menu
    assert 'data-menu="admin"' in admin_menu
    with app.app_context():
        from core.db import session
        from core.security.models import Role
        from core.security.rights import set_role_rights
        role = session().scalar(sa.select(Role).where(Role.name == "warehouse"))
        set_role_rights(role, "accounts", {"view": False})
        session().commit()
    clerk = logged_in(app, "clerk@example.com")
    menu = clerk.get("/").text
    assert 'data-menu="accounts"' not in menu and 'data-menu="admin"' not in menu
    assert clerk.get("/records/accounts").status_code == 403
    assert clerk.get("/admin").status_code == 403


def test_redirect_targets_stay_on_this_site(crm_app_factory):
    app = ui_app(crm_app_factory)
    make_user(app, "rep@example.com", role="sales")
    browser = Browser(app)
    page = browser.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.client.post("/login?next=//evil.example/x", data={"email": "rep@example.com",
                                                                         "password": "password123",
                                                                         "csrf_token": token})
    assert response.headers["Location"] == "/"
    browser.token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text).group(1)
    for back in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        assert browser.post("/me/language", {"language": "ko", "back": back}).headers["Location"] == "/"
        moved = browser.post("/records/gadgets/columns", {"columns": ["name"], "back": back})
        assert moved.headers["Location"] == "/records/gadgets"
    assert browser.post("/me/language", {"language": "ko", "back": "/records/gadgets?q=1"}).headers["Location"] \
        == "/records/gadgets?q=1"


def test_an_unexpected_error_is_a_page_in_the_users_language(crm_app_factory):
    app = ui_app(crm_app_factory)
    make_user(app, "rep@example.com", role="sales")

    @app.get("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    browser = logged_in(app, "rep@example.com")
    page = browser.get("/boom", headers={"Accept": "text/html"})
    assert page.status_code == 500 and "서버에서 문제가 발생했습니다" in page.text and "broken" not in page.text
    api = browser.get("/boom", headers={"Accept": "application/json"})
    assert api.status_code == 500 and api.get_json()["error"]["code"] == "internal_error"


def test_a_probable_duplicate_is_named_and_can_be_created_anyway(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers",))
    make_user(app, "admin@example.com", admin=True, name="관리자")
    make_user(app, "rep@example.com", role="sales", name="김영업")
    create(app, "accounts", {"name": "해동통신"}, owner_email="rep@example.com")
    browser = logged_in(app, "admin@example.com")
    form = {"_fields": ["name"], "name": "(주)해동통신"}
    warned = browser.post("/records/accounts/new", form)
    assert warned.status_code == 409
    panel = re.search(r'id="duplicates".*?</section>', warned.text, re.S).group(0)
    assert "해동통신" in panel and "김영업" in panel and 'id="confirm-duplicate"' in panel
    assert 'value="(주)해동통신"' in warned.text  # what was typed is kept
    assert count(app, "accounts") == 1
    created = browser.post("/records/accounts/new", {**form, "confirm_duplicate": "1"})
    assert created.status_code == 302, created.text
    assert count(app, "accounts") == 2


def test_a_duplicate_the_user_cannot_see_is_shown_by_its_owner_only(crm_app_factory):
    """Sales-conflict prevention without an existence oracle (core.entities.disclosure, rule 3)."""
    app = ui_app(crm_app_factory, plugins=("customers",))
    make_user(app, "owner@example.com", role="sales", name="김영업")
    make_user(app, "rep@example.com", role="sales", name="박영업")
    create(app, "accounts", {"name": "(주)비밀상사"}, owner_email="owner@example.com")
    browser = logged_in(app, "rep@example.com")
    warned = browser.post("/records/accounts/new", {"_fields": ["name"], "name": "비밀상사"})
    assert warned.status_code == 409
    panel = re.search(r'id="duplicates".*?</section>', warned.text, re.S).group(0)
    assert "김영업" in panel and "(주)비밀상사" not in panel and "ACC-" not in panel
