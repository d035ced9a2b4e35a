"""Administration pages: custom fields, picklists, plugins, users, rights and sharing, numbering, jobs, logs."""
from __future__ import annotations

import re

import sqlalchemy as sa

from core.testing import make_user
from tests.browser.support import Browser, create, logged_in, ui_app


def flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<div class="flash flash-\w+"[^>]*>([^<]*)</div>', html)]


def admin_browser(crm_app_factory, **kw):
    app = ui_app(crm_app_factory, **kw)
    make_user(app, "admin@example.com", admin=True, name="관리자")
    return app, logged_in(app, "admin@example.com")


def test_only_administrators_reach_administration(crm_app_factory):
    app, _admin = admin_browser(crm_app_factory)
    make_user(app, "rep@example.com", role="sales")
    rep = logged_in(app, "rep@example.com")
    for url in ("/admin", "/admin/fields/gadgets", "/admin/picklists", "/admin/plugins", "/admin/users",
                "/admin/roles", "/admin/numbering", "/admin/jobs", "/admin/audit"):
        assert rep.get(url).status_code == 403, url
    assert rep.post("/admin/users", {"email": "x@example.com", "name": "x", "password": "12345678"}).status_code == 403


def test_custom_fields_appear_everywhere_at_once(crm_app_factory):
    app, browser = admin_browser(crm_app_factory)
    bad = browser.post("/admin/fields/gadgets", {"label": "", "name": "Bad Name!", "type": "text"},
                       follow_redirects=True)
    assert any("사용자 정의 필드가 올바르지 않습니다." in f for f in flashes(bad.text))
    done = browser.post("/admin/fields/gadgets", {"label": "색상 코드", "name": "colour_code", "type": "picklist",
                                                  "values": "R\nG\nB", "required": "1"}, follow_redirects=True)
    assert "색상 코드 필드를 추가했습니다." in flashes(done.text)
    form = browser.get("/records/gadgets/new").text
    assert re.search(r'data-field="cf_colour_code">\s*<label[^>]*>색상 코드<span class="required-mark"', form)
    assert 'data-filter="cf_colour_code"' in browser.get("/records/gadgets").text
    missing = browser.post("/records/gadgets/new", {"_fields": ["name", "cf_colour_code"], "name": "g"})
    assert missing.status_code == 422
    created = browser.post("/records/gadgets/new", {"_fields": ["name", "cf_colour_code"], "name": "g",
                                                    "cf_colour_code": "G"})
    detail = browser.get(created.headers["Location"]).text
    assert re.search(r'data-field="cf_colour_code"><dt>색상 코드</dt><dd><span class="badge">G</span></dd>', detail)
    browser.post("/admin/fields/gadgets/cf_colour_code", {"label": "색상", "position": "1", "active": "1"})
    assert "색상</label>" in browser.get("/records/gadgets/new").text
    browser.post("/admin/fields/gadgets/cf_colour_code", {"label": "색상", "position": "1"})  # deactivated
    assert 'data-field="cf_colour_code"' not in browser.get("/records/gadgets/new").text


def test_picklist_editor_orders_colours_and_deactivates(crm_app_factory):
    app, browser = admin_browser(crm_app_factory)
    form = {"value": ["broken", "new", "used"], "colour_broken": "#ff0000", "colour_new": "#00ff00",
            "colour_used": "#0000ff", "active_broken": "1", "active_new": "1",
            "label_ko_broken": "망가짐", "new_value": "lost", "new_label": "분실"}
    assert browser.post("/admin/picklists/gadget_status", form).status_code == 302
    page = browser.get("/admin/picklists/gadget_status").text
    assert re.findall(r'<tr data-value="([^"]+)"', page) == ["broken", "new", "used", "lost"]
    options = re.search(r'<select id="f-status".*?</select>', browser.get("/records/gadgets/new").text, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', options) == ["broken", "new", "lost"]  # "used" is inactive
    assert "망가짐" in options
    bad = browser.post("/admin/picklists/gadget_status", {"value": ["new"], "colour_new": "red", "active_new": "1"},
                       follow_redirects=True)
    assert any("#1e88e5" in f for f in flashes(bad.text))


def test_plugins_page_checks_dependencies_and_asks_for_a_restart(crm_app_factory):
    app, browser = admin_browser(crm_app_factory)
    # as in a deployment whose plugin list is not fixed by PLUGCRM_PLUGINS: the saved state decides
    app.extensions["plugcrm"].settings.plugins = None
    page = browser.get("/admin/plugins").text
    assert 'data-plugin="customers"' in page and 'data-plugin="deal_alerts"' in page
    refused = browser.post("/admin/plugins/customers", {"enable": "0"}, follow_redirects=True)
    assert any("opportunities" in f and "먼저 끄세요" in f for f in flashes(refused.text))
    browser.post("/admin/plugins/workflows", {"enable": "0"})
    refused = browser.post("/admin/plugins/deal_alerts", {"enable": "1"}, follow_redirects=True)
    assert flashes(refused.text)[-1] == "deal_alerts에는 workflows이(가) 필요합니다. 먼저 켜세요."
    browser.post("/admin/plugins/workflows", {"enable": "1"})
    done = browser.post("/admin/plugins/deal_alerts", {"enable": "1"}, follow_redirects=True)
    assert any("다시 시작" in f for f in flashes(done.text))
    from core.db import session
    from core.plugins import PluginState
    with app.app_context():
        assert session().get(PluginState, "deal_alerts").enabled is True
    assert "다시 시작하면 적용됩니다" in browser.get("/admin/plugins").text


def test_fixed_plugin_list_cannot_be_changed_here(crm_app_factory):
    app, browser = admin_browser(crm_app_factory)
    page = browser.post("/admin/plugins/customers", {"enable": "1"}, follow_redirects=True).text
    assert any("PLUGCRM_PLUGINS" in f for f in flashes(page))


def test_users_roles_rights_and_sharing(crm_app_factory):
    app, browser = admin_browser(crm_app_factory)
    bad = browser.post("/admin/users", {"email": "nope", "name": "", "password": "short"}, follow_redirects=True)
    assert any("최소 10자입니다." in f for f in flashes(bad.text))
    from core.db import session
    from core.security.models import Role, User
    with app.app_context():
        sales = session().scalar(sa.select(Role.id).where(Role.name == "sales"))
    browser.post("/admin/users", {"email": "new@example.com", "name": "신입", "password": "welcome-123",
                                  "role_id": str(sales)})
    Browser(app).login("new@example.com", "welcome-123")
    page = browser.get("/admin/roles").text
    assert "대표" in page and "팀장" in page
    browser.post(f"/admin/roles/{sales}/rights", {"gadgets:view": "1", "gadgets:create": "1"})
    from core.security.rights import role_rights
    with app.test_request_context():
        assert role_rights(sales, "gadgets") == {"view": True, "create": True, "edit": False, "delete": False,
                                                 "import": False, "export": False}
    browser.post("/admin/sharing", {"gadgets": "public_read"})
    from core.security.models import EntitySharing
    with app.app_context():
        assert session().get(EntitySharing, "gadgets").sharing == "public_read"
    with app.app_context():
        me = session().scalar(sa.select(User.id).where(User.email == "admin@example.com"))
    refused = browser.post(f"/admin/users/{me}", {"active": "0"}, follow_redirects=True)
    assert any("자기 자신을 비활성화할 수 없습니다." in f for f in flashes(refused.text))
    with app.app_context():
        newcomer = session().scalar(sa.select(User.id).where(User.email == "new@example.com"))
    for name in ("하나", "둘"):
        create(app, "gadgets", {"name": name}, "new@example.com")
    moved = browser.post("/admin/users/transfer", {"from_user_id": str(newcomer), "to_user_id": str(me)},
                         follow_redirects=True)
    assert "레코드 2건을 넘겼습니다." in flashes(moved.text)
    same = browser.post("/admin/users/transfer", {"from_user_id": str(me), "to_user_id": str(me)},
                        follow_redirects=True)
    assert any("다른 사용자를 고르세요" in f for f in flashes(same.text))
    browser.post(f"/admin/users/{newcomer}", {"active": "0"})
    with app.app_context():
        assert session().get(User, newcomer).active is False


def test_numbering_format(crm_app_factory):
    app, browser = admin_browser(crm_app_factory)
    bad = browser.post("/admin/numbering", {"gadgets": "GAD-{YYYY}"}, follow_redirects=True)
    assert any("gadgets" in f for f in flashes(bad.text))
    browser.post("/admin/numbering", {"gadgets": "G{YY}-{###}"})
    gadget = create(app, "gadgets", {"name": "번호 확인"})
    assert re.fullmatch(r"G\d\d-001", gadget["number"])


def test_jobs_and_audit_pages(crm_app_factory):
    app, browser = admin_browser(crm_app_factory)
    from core.db import session
    from core.jobs import enqueue
    from core.jobs.models import Job
    with app.app_context():
        job_id = enqueue("core.nothing", {"x": 1})
        session().get(Job, job_id).status = "dead"
        session().commit()
    jobs = browser.get("/admin/jobs?status=dead").text
    assert f'data-api-post="/api/v1/jobs/{job_id}/retry"' in jobs
    assert browser.post(f"/api/v1/jobs/{job_id}/retry").status_code == 200
    assert "data-api-post" not in browser.get("/admin/jobs?status=dead").text
    create(app, "gadgets", {"name": "감사 대상"})
    audit = browser.get("/admin/audit?entity=gadgets").text
    assert "감사 대상" in audit
    assert "admin@example.com" in audit  # the login log


def test_picklist_admin_shows_translated_names_and_owning_plugins(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers", "uitest"))
    make_user(app, "admin@example.com", admin=True)
    browser = Browser(app).login("admin@example.com")
    page = browser.get("/admin/picklists?lang=ko").text
    row = page[page.index('data-picklist="account_industry"'):]
    row = row[:row.index("</tr>")]
    assert "고객사 · 업종" in row and ">account_industry<" not in row
    gadgets = page[page.index('data-picklist="gadget_status"'):]
    assert "UI test gadgets" in gadgets[:gadgets.index("</tr>")]
    fields = browser.get("/admin/fields/gadgets?lang=ko").text
    assert '<option value="multipicklist">다중 선택 목록</option>' in fields
