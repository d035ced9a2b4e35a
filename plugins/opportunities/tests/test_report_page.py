"""The reports page: shared filters (period, owner, team, type, source) carried into drill-down links, table
headers, the funnel of open stages only, and an Excel download of each report (formula-safe)."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from plugins.opportunities.tests.test_reports import M, team  # noqa: F401  (the fixed pipeline)
from core.testing import make_user
from tests.browser.support import logged_in


@pytest.fixture
def boss(app, team):  # noqa: F811
    make_user(app, "boss@example.com", admin=True)
    return logged_in(app, "boss@example.com")


def test_every_table_has_a_header_and_the_funnel_holds_open_stages_only(boss):
    html = boss.get("/opportunities/reports").text
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == 8 and all("<thead>" in t and 'scope="col"' in t for t in tables)
    funnel = html[html.index('id="funnel-table"'):html.index('id="closed-table"')]
    assert "협상" in funnel and "수주" not in funnel and "실패" not in funnel
    closed = html[html.index('id="closed-table"'):html.index("</table>", html.index('id="closed-table"'))]
    assert "수주" in closed and "실패" in closed


def test_filters_narrow_every_report_and_go_into_the_drill_down_links(boss, team):  # noqa: F811
    rep2 = team["ids"]["rep2"]
    html = boss.get(f"/opportunities/reports?owner_id={rep2}&type=new").text
    owner_table = html[html.index('id="owner-table"'):html.index("</table>", html.index('id="owner-table"'))]
    assert "rep2" in owner_table and "rep1" not in owner_table
    assert f"/records/opportunities?owner_id={rep2}&amp;type=new&amp;stage=proposal" in html
    assert f"/opportunities/reports/funnel.xlsx?owner_id={rep2}&amp;type=new" in html
    # the period is the expected close date: none of these deals has one yet
    period = boss.get("/opportunities/reports?period_from=2026-01-01&period_to=2026-12-31").text
    assert 'id="reports-empty"' in period and "expected_close_date__gte=2026-01-01" in period


def test_team_filter_takes_the_role_and_the_roles_below(app, boss, team):  # noqa: F811
    from core.db import session
    from core.security.roles import role_by_name

    with app.app_context():
        sales = role_by_name("sales").id
        session().rollback()
    html = boss.get(f"/opportunities/reports?team={sales}").text
    owner_table = html[html.index('id="owner-table"'):html.index("</table>", html.index('id="owner-table"'))]
    assert "rep1" in owner_table and "rep2" in owner_table and "manager" not in owner_table


@pytest.mark.parametrize("query, field", [("period_from=2026-13-01", "period_from"), ("owner_id=x", "owner_id"),
                                          ("team=99999", "team"),
                                          ("period_from=2026-12-01&period_to=2026-11-01", "period_to")])
def test_bad_filters_are_a_clear_400(boss, query, field):
    response = boss.get(f"/opportunities/reports?{query}")
    assert response.status_code == 400 and "목록 조건" in response.text and field in response.text


def test_each_report_downloads_as_excel_with_its_filters_and_formula_safe_text(app, boss, team):  # noqa: F811
    team["admin"].post(f"/api/v1/opportunities/{team['deals']['F']}/stage", json={"stage": "lost", "lost_reason": "price", "lost_to": "=HYPERLINK(\"x\")"})
    for name in ("funnel", "forecast", "by-owner", "by-source", "by-account", "stuck", "won-lost"):
        response = boss.get(f"/opportunities/reports/{name}.xlsx?type=new")
        assert response.status_code == 200, name
        rows = [tuple(c.value for c in row) for row in load_workbook(io.BytesIO(response.data)).active.iter_rows()]
        assert rows and all(isinstance(h, str) and h for h in rows[0])
    owners = [tuple(c.value for c in row) for row in load_workbook(io.BytesIO(boss.get(
        f"/opportunities/reports/by-owner.xlsx?owner_id={team['ids']['rep1']}").data)).active.iter_rows()]
    assert [r[0] for r in owners[1:]] == ["rep1"] and owners[1][2] == 90 * M
    won_lost = load_workbook(io.BytesIO(boss.get("/opportunities/reports/won-lost.xlsx").data)).active
    texts = [c.value for row in won_lost.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith("=") for t in texts)
    assert boss.get("/opportunities/reports/nothing.xlsx").status_code == 404
