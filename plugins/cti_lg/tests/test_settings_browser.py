"""In real Chromium: an administrator registers a Centrex line, sees Centrex's refusal in words, maps an
extension and registers the ring callback (NewZen's API사용자등록)."""
from __future__ import annotations

import pytest

from core.testing import make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.cti_lg.fake_centrex import NUMBER, PASSWORD, FakeCentrex
from plugins.cti_lg.tests.conftest import PLUGINS

pytestmark = pytest.mark.browser


def test_the_admin_sets_up_a_line_and_reads_centrex_errors(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS)
    make_user(app, "admin@example.com", admin=True, name="관리자")
    make_user(app, "agent@example.com", role="service", name="김상담")
    fake = FakeCentrex().start()
    try:
        with LiveServer(app) as server:
            browsing = Browsing(chromium, server)
            try:
                page = browsing.new_page()
                log_in(page, server.url, "admin@example.com")
                page.goto(server.url + "/cti_lg/settings")
                page.fill("#cti-new-line input[name=number]", NUMBER)
                page.fill("#cti-new-line input[name=password]", PASSWORD)
                page.fill("#cti-new-line input[name=base_url]", fake.url)
                page.click("#cti-new-line button[type=submit]")
                page.wait_for_selector(".cti-line")
                assert page.is_hidden("#cti-empty")

                fake.fail_with = "2002"
                page.click('.cti-line [data-action="test"]')
                page.wait_for_selector("#cti-message.flash-error")
                assert "may not use the API" in page.inner_text("#cti-message")
                page.locator(".cti-line-status", has_text="may not use the API").wait_for()
                fake.fail_with = None

                page.fill(".cti-extension input[name=inner_num]", "101")
                page.select_option(".cti-extension select[name=user_id]", label="김상담")
                page.click(".cti-extension button[type=submit]")
                page.wait_for_selector(".cti-extensions td:has-text('김상담')")
                assert page.inner_text("#cti-message") == "Saved."

                page.fill(".cti-callback input[name=host]", "127.0.0.1")
                page.fill(".cti-callback input[name=port]", server.url.rsplit(":", 1)[1])
                page.click(".cti-callback button[type=submit]")
                page.locator("#cti-message", has_text="/cti_lg/ring/").wait_for()
                assert "flash-success" in page.get_attribute("#cti-message", "class")
                screenshot(page, "cti-settings")
            finally:
                browsing.close()
    finally:
        fake.stop()
    assert fake.callback["callbackurl"].startswith("/cti_lg/ring/")
