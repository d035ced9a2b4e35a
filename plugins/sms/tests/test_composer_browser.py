"""The composer in real Chromium: the live counter switches SMS -> LMS at 90 bytes, the split preview, sending."""
from __future__ import annotations

import json

import pytest

from core.jobs.worker import run_pending
from core.testing import ApiClient, make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.sms.tests.conftest import PLUGINS, contact

pytestmark = pytest.mark.browser


def test_the_counter_switches_to_lms_and_the_send_is_queued(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS, language="ko")
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True, name="관리자")[1])
    rep = ApiClient(app.test_client(), make_user(app, "rep@example.com", role="sales", name="김영업")[1])
    assert admin.post("/api/v1/sms/senders", json={"number": "02-555-0100", "label": "대표번호"}).status_code == 201
    rep.put("/api/v1/sms/profile", json={"signature": "김영업"})
    who = contact(rep, "홍길동", "010-1234-5678")
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page()
            log_in(page, server.url, "rep@example.com")
            page.goto(f"{server.url}/sms/compose?contact_id={who}")
            counter = page.locator("#sms-counter")
            page.fill("#sms-body", "{name}님 안녕하세요. " + "가" * 30)     # 21 + 60 + signature 7 = 88 bytes
            assert counter.get_attribute("data-kind") == "SMS"
            assert page.locator("#sms-bytes").inner_text() == "88"
            assert page.locator("#sms-parts li").count() == 0
            page.type("#sms-body", "가")                                       # 90 bytes: still an SMS
            assert page.locator("#sms-bytes").inner_text() == "90" and counter.get_attribute("data-kind") == "SMS"
            page.type("#sms-body", "a")                                        # 91 bytes: an LMS
            assert counter.get_attribute("data-kind") == "LMS"
            assert page.locator("#sms-limit").inner_text() == "2000"
            assert page.locator("#sms-parts li").count() == 2
            screenshot(page, "sms-composer-lms")
            page.click("#sms-send")
            page.wait_for_selector("#sms-message.flash-success")
            assert "1" in page.locator("#sms-message").inner_text()
            screenshot(page, "sms-composer-queued")
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()
    run_pending(app)
    outbox = app.extensions["plugcrm"].settings.instance_path / "sms_outbox.jsonl"
    [line] = outbox.read_text(encoding="utf-8").splitlines()
    sent = json.loads(line)
    assert sent["kind"] == "LMS" and sent["text"].startswith("홍길동님 안녕하세요.") and sent["text"].endswith("\n김영업")
