"""The shell's extension points: plugin menu entries and pages, workbench widgets, record panels, related tabs."""
from __future__ import annotations

import json
import re
from html import unescape

from core.testing import make_user
from tests.browser.support import create, logged_in, ui_app


def test_plugin_menu_page_widget_and_panel(crm_app_factory):
    app = ui_app(crm_app_factory)
    make_user(app, "admin@example.com", admin=True)
    gadget = create(app, "gadgets", {"name": "첫 가젯", "status": "used"})
    child = create(app, "gadgets", {"name": "아들 가젯", "parent_id": gadget["id"]})
    browser = logged_in(app, "admin@example.com")
    home = browser.get("/").text
    assert re.search(r'<a href="/uitest/shelf" data-menu="uitest_pages.shelf"[^>]*><span[^>]*></span>가젯 선반</a>', home)
    assert '<p id="gadget-total">2</p>' in home
    titles = re.findall(r'<section class="card widget[^"]*">\s*<h2>([^<]+)</h2>', home)
    assert titles == ["가젯 합계", "최근 변경된 레코드", "주별 신규 레코드"]  # ordered by the widgets' order
    shelf = browser.get("/uitest/shelf").text
    assert '<h1 id="shelf">가젯 선반</h1>' in shelf and 'class="sidebar"' in shelf  # inside the shell
    detail = browser.get(f"/records/gadgets/{gadget['id']}").text
    assert '<p id="passport">첫 가젯 · 사용</p>' in detail
    tab = re.search(r'id="tab-rel-gadgets-parent_id"[^>]*>하위 가젯 <span class="count">(\d+)</span>', detail)
    assert tab and tab.group(1) == "1"
    assert "아들 가젯" in detail
    assert f'href="/records/gadgets/new?parent_id={gadget["id"]}"' in detail
    assert child["parent_id"] == gadget["id"]


def test_workbench_shows_recent_changes_and_a_chart_of_what_the_user_may_see(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers", "uitest"))
    make_user(app, "manager@example.com", role="manager")
    make_user(app, "rep@example.com", role="sales")
    create(app, "accounts", {"name": "팀장 고객"}, "manager@example.com")
    for name in ("영업 고객 1", "영업 고객 2"):
        create(app, "accounts", {"name": name}, "rep@example.com")
    rep_home = logged_in(app, "rep@example.com").get("/").text
    recent = re.search(r"<h2>최근 변경된 레코드</h2>(.*?)</section>", rep_home, re.S).group(1)
    assert "영업 고객 2" in recent and "영업 고객 1" in recent and "팀장 고객" not in recent
    assert recent.index("영업 고객 2") < recent.index("영업 고객 1")  # newest first
    chart = json.loads(unescape(re.search(r'data-chart="([^"]+)"', rep_home).group(1)))
    accounts = next(s for s in chart["data"]["datasets"] if s["label"] == "고객사" or sum(s["data"]) == 2)
    assert sum(accounts["data"]) == 2 and len(chart["data"]["labels"]) == 8
    manager_home = logged_in(app, "manager@example.com").get("/").text
    chart = json.loads(unescape(re.search(r'data-chart="([^"]+)"', manager_home).group(1)))
    assert max(sum(s["data"]) for s in chart["data"]["datasets"]) == 3
    assert '/static/core/vendor/chartjs/chart.umd.min.js' in rep_home
