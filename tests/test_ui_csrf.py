"""Every state-changing route refuses a browser-session request without a CSRF token, and changes nothing."""
from __future__ import annotations

import re

import sqlalchemy as sa

from core.testing import make_user
from tests.browser.support import create, logged_in, ui_app

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def fill(rule, ids: dict) -> str:
    """The rule's URL with real-looking values for its arguments."""
    url = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        value = ids.get(name) or ("1" if converter in ("IntegerConverter", "NumberConverter") else "gadgets")
        url = re.sub(r"<(?:[^:>]+:)?" + name + r">", str(value), url)
    return url


def test_every_state_changing_route_rejects_a_missing_csrf_token(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers", "uitest"))
    make_user(app, "admin@example.com", admin=True)
    gadget = create(app, "gadgets", {"name": "가젯"})
    browser = logged_in(app, "admin@example.com")
    ids = {"entity_name": "gadgets", "record_id": gadget["id"], "name": "gadget_status"}
    checked = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "plugcrm_public", False):
            continue
        for method in sorted(rule.methods & STATE_CHANGING):
            url = fill(rule, ids)
            response = browser.client.open(url, method=method, data={"name": "x", "ids": str(gadget["id"]),
                                                                     "action": "delete", "language": "en"})
            assert response.status_code == 400, (method, url, response.status_code)
            checked.append((method, url))
    assert len(checked) > 40
    assert ("POST", "/records/gadgets/new") in checked and ("POST", "/logout") in checked
    # nothing happened: the gadget is still there, unchanged, and the session still works
    page = browser.get(f"/records/gadgets/{gadget['id']}")
    assert page.status_code == 200 and "가젯" in page.text


def test_the_refusal_is_explained_in_the_users_language(crm_app_factory):
    app = ui_app(crm_app_factory)
    make_user(app, "admin@example.com", admin=True)
    browser = logged_in(app, "admin@example.com")
    browser.post("/me/language", {"language": "ko"})
    response = browser.post("/records/gadgets/new", {"_fields": "name", "name": "몰래"}, csrf=False)
    assert response.status_code == 400
    assert "양식이 만료되었거나 다른 사이트에서 보내졌습니다" in response.text
    from core.db import session
    from core.runtime import runtime
    with app.app_context():
        table = runtime().registry.get("gadgets").table
        assert session().scalar(sa.select(sa.func.count()).select_from(table)) == 0


def test_every_rendered_post_form_carries_a_csrf_token(crm_app_factory):
    app = ui_app(crm_app_factory)
    make_user(app, "admin@example.com", admin=True)
    gadget = create(app, "gadgets", {"name": "가젯"})
    browser = logged_in(app, "admin@example.com")
    pages = ["/", "/records/gadgets", f"/records/gadgets/{gadget['id']}", f"/records/gadgets/{gadget['id']}/edit",
             "/records/gadgets/new", "/admin/fields/gadgets", "/admin/picklists/gadget_status", "/admin/plugins",
             "/admin/users", "/admin/roles", "/admin/numbering", "/admin/jobs", "/recycle-bin", "/me/password"]
    forms = 0
    for url in pages:
        html = browser.get(url).text
        for form in re.findall(r'(?is)<form\b[^>]*method="post"[^>]*>.*?</form>', html):
            assert 'name="csrf_token"' in form, (url, form[:200])
            forms += 1
    assert forms > 15
