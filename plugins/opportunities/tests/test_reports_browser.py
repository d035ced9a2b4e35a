"""Sales reports in real Chromium (Korean): filter by owner, see the funnel, drill down into the filtered list."""
from __future__ import annotations

import pytest

from core.testing import make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.opportunities.tests.conftest import PLUGINS
from plugins.opportunities.tests.test_board_browser import create_deal

pytestmark = pytest.mark.browser


def test_report_filters_and_drill_down(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS, language="ko")
    admin = make_user(app, "admin@example.com", admin=True, name="김관리")[0]
    rep = make_user(app, "rep@example.com", role="sales", name="이영업")[0]
    create_deal(app, "관리자 제안 건", stage="proposal", owner_id=admin,
                completed_actions=["first_meeting", "needs_confirmed", "proposal_sent"])
    create_deal(app, "영업 제안 건", stage="proposal", owner_id=rep,
                completed_actions=["first_meeting", "needs_confirmed", "proposal_sent"])
    create_deal(app, "영업 초기 건", owner_id=rep)
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page(locale="ko-KR")
            log_in(page, server.url, "admin@example.com")
            page.goto(server.url + "/opportunities/reports")
            page.wait_for_function("() => window.Chart && Chart.getChart('funnel-chart')")
            # the funnel chart draws the open stages only
            labels = page.evaluate("() => Chart.getChart('funnel-chart').data.labels")
            assert "제안" in labels and "수주" not in labels and "실패" not in labels

            page.select_option("#f-owner", str(rep))
            page.click("#report-apply")
            page.wait_for_url(f"**/opportunities/reports?*owner_id={rep}*")
            assert "김관리" not in page.inner_text("#owner-table")
            screenshot(page, "opportunities-reports-filtered")

            # drill down: the proposal stage of the funnel opens the list with the owner filter kept
            page.click("#funnel-table >> text=제안")
            page.wait_for_url("**/records/opportunities?*")
            assert f"owner_id={rep}" in page.url and "stage=proposal" in page.url
            body = page.inner_text("main")
            assert "영업 제안 건" in body and "관리자 제안 건" not in body and "영업 초기 건" not in body
            screenshot(page, "opportunities-reports-drill-down")
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()
