"""In real Chromium: design a form, fill its hosted page anonymously in Korean, the handler gets the lead
(and an email in the SMTP sink), converts it and lands on the new account's page."""
from __future__ import annotations

import pytest

from core import clock
from core.jobs.worker import run_pending
from core.testing import make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.webforms.tests.conftest import PLUGINS

pytestmark = pytest.mark.browser


def only_lead_id(app) -> int:
    import sqlalchemy as sa

    from core.db import session

    with app.app_context():
        ids = session().scalars(sa.text("SELECT id FROM leads_leads")).all()
        session().rollback()
    assert len(ids) == 1
    return ids[0]


def test_design_submit_notify_convert(crm_app_factory, chromium, smtp_server, frozen):
    app = crm_app_factory(plugins=PLUGINS, smtp=smtp_server.settings())
    make_user(app, "admin@example.com", admin=True, name="관리자")
    make_user(app, "handler@example.com", role="sales", name="김담당")
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            admin = browsing.new_page()
            log_in(admin, server.url, "admin@example.com")
            admin.goto(server.url + "/webforms/new")
            admin.fill("#name", "홈페이지 문의")
            admin.select_option("#handler_id", label="김담당")
            admin.select_option("#field_0", "name")
            admin.fill("#label_ko_0", "성함")
            admin.check("#required_0")
            admin.select_option("#field_1", "company")
            admin.fill("#label_ko_1", "회사명")
            admin.select_option("#field_2", "description")
            admin.select_option("#kind_2", "textarea")
            admin.fill("#label_ko_2", "문의 내용")
            admin.click("#design-save")
            admin.wait_for_selector("#hosted-link")
            hosted = admin.get_attribute("#hosted-link", "href")
            screenshot(admin, "webform-designer")

            visitor = browsing.new_page()  # a fresh context: no login, no cookies
            visitor.goto(server.url + hosted + "?lang=ko")
            assert visitor.locator("label[for=wf-name]").inner_text().startswith("성함")
            # the stylesheet came from /static/plugins/webforms/ (the honeypot is off-screen by it)
            assert visitor.eval_on_selector(".webform-hp", "el => getComputedStyle(el).position") == "absolute"
            visitor.fill("#wf-name", "정하늘")
            visitor.fill("#wf-company", "(주)하늘소프트")
            visitor.fill("#wf-description", "그룹웨어 30인 견적 부탁드립니다.")
            clock.advance(seconds=20)
            visitor.click("button.webform-submit")
            visitor.wait_for_selector("#webform-message")
            assert "감사합니다" in visitor.inner_text("#webform-message")

            assert run_pending(app) >= 1
            assert [m["To"] for m in smtp_server.messages] == ["handler@example.com"]
            assert "정하늘" in smtp_server.messages[0]["Subject"]

            rep = browsing.new_page()
            log_in(rep, server.url, "handler@example.com")
            rep.goto(server.url + "/records/leads")
            rep.wait_for_selector("text=정하늘")
            screenshot(rep, "webform-lead-list")
            rep.goto(server.url + f"/records/leads/{only_lead_id(app)}")
            rep.click("#lead-convert")
            rep.click("#convert-submit")
            rep.wait_for_url("**/records/accounts/*")
            assert "(주)하늘소프트" in rep.content()
            screenshot(rep, "webform-lead-converted")
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()


def test_script_embed_on_another_site_sends_without_leaving_the_page(crm_app_factory, chromium, frozen):
    """The script version pasted into a company site (another origin): token fetched, sent in the background."""
    from flask import Flask

    from core.testing import ApiClient

    app = crm_app_factory(plugins=PLUGINS)
    _id, token = make_user(app, "admin@example.com", admin=True, name="관리자")
    admin = ApiClient(app.test_client(), token)
    site = Flask("company_site")
    page_html = {}
    site.add_url_rule("/contact", "contact", lambda: page_html["body"])
    with LiveServer(app) as crm, LiveServer(site) as company:
        form = admin.post("/api/v1/webforms", json={
            "name": "회사 사이트 문의", "handler_id": _id, "source": "web_form", "thank_you": "접수되었습니다.",
            "allowed_origins": [company.url], "min_fill_seconds": 0,
            "fields": [{"field_name": "name", "kind": "text", "required": True, "labels": {"ko": "성함"}},
                       {"field_name": "description", "kind": "textarea", "labels": {"ko": "문의 내용"}}]},
            base_url=crm.url).json
        snippet = admin.get(f"/api/v1/webforms/{form['id']}/embed", base_url=crm.url).json["script"]
        page_html["body"] = f"<!doctype html><html><body><h1>해동통신</h1>{snippet}</body></html>"
        browsing = Browsing(chromium, crm)
        try:
            visitor = browsing.new_page()
            with visitor.expect_response(lambda r: r.url.endswith("/token")):
                visitor.goto(company.url + "/contact")
            visitor.fill("input[name=name]", "이서준")
            visitor.fill("textarea[name=description]", "견적 부탁드립니다.")
            visitor.click("button.webform-submit")
            visitor.wait_for_selector("p.webform-answer")
            assert visitor.inner_text("p.webform-answer") == "접수되었습니다."
            assert visitor.url == company.url + "/contact"
        finally:
            browsing.close()
    leads = admin.get("/api/v1/leads").json["data"]
    assert [(lead["name"], lead["source"]) for lead in leads] == [("이서준", "web_form")]
