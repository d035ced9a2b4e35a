"""In real Chromium: a ring fired by the fake Centrex pops up for the agent of the extension (not for a colleague
who is also signed in), and the agent saves a service receipt from the popup."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.cti_lg.fake_centrex import FakeCentrex
from plugins.cti_lg.tests.conftest import PLUGINS, add_line, map_extension

pytestmark = pytest.mark.browser


def test_the_ring_pops_up_for_the_right_agent_who_saves_a_receipt(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS)
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    agent_id, agent_token = make_user(app, "agent@example.com", role="service", name="김상담")
    other_id, _ = make_user(app, "other@example.com", role="service", name="이상담")
    agent = ApiClient(app.test_client(), agent_token)
    account = agent.post("/api/v1/accounts", json={"name": "(주)해동통신", "phone": "02-808-8016"}).json
    fake = FakeCentrex().start()
    try:
        with LiveServer(app) as server:
            line_id = add_line(admin, fake)
            map_extension(admin, line_id, "101", agent_id)
            map_extension(admin, line_id, "102", other_id)
            assert admin.post(f"/api/v1/cti_lg/lines/{line_id}/callback",
                              json={"host": "127.0.0.1", "port": int(server.url.rsplit(":", 1)[1])}).status_code == 200
            browsing = Browsing(chromium, server)
            try:
                mine, theirs = browsing.new_page(), browsing.new_page()
                log_in(mine, server.url, "agent@example.com")
                log_in(theirs, server.url, "other@example.com")
                mine.goto(server.url + "/cti_lg/receipts")
                theirs.goto(server.url + "/cti_lg/receipts")
                for page in (mine, theirs):
                    page.locator("html[data-cti-stream=open]").wait_for(state="attached")

                assert fake.ring("028088016", "101") == 200
                popup = mine.wait_for_selector(".cti-popup")
                assert "028088016" in popup.inner_text() and "(주)해동통신" in popup.inner_text()
                # the colleague's browser gets its own calls, never the agent's
                assert fake.ring("0311112222", "102") == 200
                theirs.wait_for_selector(".cti-popup")
                assert theirs.locator(".cti-popup").count() == 1
                assert "0311112222" in theirs.inner_text(".cti-popup") and "해동통신" not in theirs.inner_text("body")
                assert mine.locator(".cti-popup").count() == 1

                mine.select_option(".cti-popup select[name=category]", "as")
                mine.fill(".cti-popup textarea[name=content]", "프린터 드라이버 설치 후 인쇄 안 됨")
                mine.fill(".cti-popup textarea[name=answer]", "원격으로 드라이버 재설치")
                mine.click(".cti-popup .cti-receipt button[type=submit]")
                mine.wait_for_selector(".cti-popup .cti-msg a")
                screenshot(mine, "cti-popup-receipt")

                # click-to-call from the account's phone field: Centrex is asked once to ring the agent first
                mine.goto(server.url + f"/records/accounts/{account['id']}")
                mine.click('a[href^="tel:"]')
                assert "Pick up your phone" in mine.wait_for_selector(".cti-toast").inner_text()
                assert fake.dials == ["028088016"]
                assert browsing.foreign_requests() == []
            finally:
                browsing.close()
    finally:
        fake.stop()
    receipts = agent.get("/api/v1/service_receipts").json["data"]
    assert len(receipts) == 1
    saved = agent.get(f"/api/v1/service_receipts/{receipts[0]['id']}").json
    assert saved["account_id"] == account["id"] and saved["content"] == "프린터 드라이버 설치 후 인쇄 안 됨"
    assert saved["call_id"] and saved["path"] == "phone" and saved["receiver_id"] == agent_id
