"""The pages: pipeline board, reports with drill-down links, the record page's schedule and history panels."""
from __future__ import annotations

import re

from core.testing import make_user
from plugins.opportunities.tests.conftest import ok
from tests.browser.support import logged_in


def test_board_shows_deals_by_stage_with_counts_and_list_links(app, pipeline):
    pipeline.deal(title="그룹웨어 도입", amount="3000000")
    pipeline.deal(title="서버 교체", stage="proposal", amount="5000000")
    make_user(app, "boss@example.com", admin=True)
    page = logged_in(app, "boss@example.com").get("/opportunities/board?type=new")
    assert page.status_code == 200
    html = page.text
    columns = re.findall(r'data-stage="(\w+)"', html)
    assert columns == ["prospecting", "qualification", "needs_analysis", "proposal", "negotiation", "won", "lost"]
    proposal = html[html.index('data-stage="proposal"'):html.index('data-stage="negotiation"')]
    assert "서버 교체" in proposal and '<span class="count">1</span>' in proposal
    assert "/records/opportunities?type=new&amp;stage=proposal" in proposal
    assert "/api/v1/exports/opportunities?scope=all&amp;format=xlsx&amp;type=new" in html


def test_board_cards_show_customer_and_owner_and_the_filters_narrow_them(app, pipeline):
    account = pipeline.account("해동통신")
    pipeline.deal(title="그룹웨어 도입", amount="3000000", account_id=account, revenue_month="2026-12-01")
    pipeline.deal(title="서버 교체", amount="5000000", revenue_month="2027-01-01")
    boss_id = make_user(app, "boss@example.com", admin=True, name="김부장")[0]
    client = logged_in(app, "boss@example.com")
    html = client.get("/opportunities/board?type=new").text
    card = html[html.index("그룹웨어 도입"):html.index("</li>", html.index("그룹웨어 도입"))]
    assert "해동통신" in card and f"/records/accounts/{account}" in card and "관리자" in card and "2026-12" in card
    assert 'data-kind="won"' in html and "closed-column collapsed" in html

    december = client.get("/opportunities/board?type=new&month=2026-12").text
    assert "그룹웨어 도입" in december and "서버 교체" not in december
    assert "revenue_month=2026-12-01" in december  # the list link carries the filter
    mine = client.get(f"/opportunities/board?type=new&owner_id={boss_id}").text
    assert "그룹웨어 도입" not in mine and "board-empty" in mine

    bad = client.get("/opportunities/board?type=new&month=2026-13")
    assert bad.status_code == 400 and "YYYY-MM" in bad.text


def test_reports_page_has_the_numbers_and_drill_down_links(app, pipeline):
    pipeline.deal(title="A", amount="10000000", stage="negotiation")
    make_user(app, "boss@example.com", admin=True)
    html = logged_in(app, "boss@example.com").get("/opportunities/reports").text
    assert "chart.umd.min.js" in html and 'id="funnel-chart"' in html and 'id="forecast-chart"' in html
    assert "/records/opportunities?stage=negotiation" in html
    assert "8,000,000" in html  # weighted: 10,000,000 × 80 %


def test_record_page_shows_revenue_schedule_and_stage_history(app, pipeline):
    deal = pipeline.deal(title="월납 계약", amount="300000", billing_method="monthly", revenue_month="2026-11-01",
                         revenue_end="2027-01-01")
    ok(pipeline.move(deal["id"], "qualification", completed_actions=["first_meeting"], note="미팅 완료"))
    make_user(app, "boss@example.com", admin=True)
    html = logged_in(app, "boss@example.com").get(f"/records/opportunities/{deal['id']}").text
    schedule = html[html.index('id="revenue-schedule"'):]
    assert all(month in schedule for month in ("2026-11", "2026-12", "2027-01")) and "100,000" in schedule
    history = html[html.index('id="stage-history"'):]
    assert "미팅 완료" in history and "검증" in history


def test_pages_need_the_view_right(app):
    assert app.test_client().get("/opportunities/board").status_code == 302
