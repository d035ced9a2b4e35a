"""The phone-width walk (390 × 844, Korean): menu → list → record → edit form → save, then the board, reports,
the calendar and the workbench, none of them wider than the screen; screenshots of each page."""
from __future__ import annotations

import pytest

from core.testing import make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.opportunities.tests.test_board_browser import create_deal, stored

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PLUGINS = ["customers", "products", "opportunities"]


def assert_fits(page, name: str) -> None:
    """Nothing makes the page itself scroll sideways (wide tables and the board scroll inside their box)."""
    screenshot(page, f"phone-{name}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate("() => Array.from(document.querySelectorAll('body *')).filter(e => "
                         "e.getBoundingClientRect().right > 391).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)")
    assert width <= PHONE["width"], (name, width, wide)
    screenshot(page, f"phone-{name}")


def test_phone_width_walk(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS, language="ko")
    make_user(app, "admin@example.com", admin=True, name="김관리")
    deal = create_deal(app, "그룹웨어 도입 (모바일)")
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page(locale="ko-KR", **PHONE)
            log_in(page, server.url, "admin@example.com")
            assert_fits(page, "workbench")

            # the menu opens from its button, and leads to the list
            nav = page.locator("nav.sidebar").bounding_box()
            assert nav["x"] + nav["width"] <= 0  # off screen until asked for
            page.click(".menu-toggle")
            page.click("nav.sidebar a[href='/records/opportunities']")
            page.wait_for_url("**/records/opportunities")
            assert_fits(page, "list")

            page.click(f"table a[href$='/records/opportunities/{deal}']")
            page.wait_for_url(f"**/records/opportunities/{deal}")
            assert_fits(page, "detail")

            page.goto(server.url + f"/records/opportunities/{deal}/edit")
            assert_fits(page, "form")
            title = page.locator("input[name=title]")
            box = title.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            title.fill("그룹웨어 도입 (수정)")
            page.locator("#record-form button[type=submit]").first.click()
            page.wait_for_url(f"**/records/opportunities/{deal}")
            assert stored(app, deal)["title"] == "그룹웨어 도입 (수정)"

            for name, path in (("board", "/opportunities/board"), ("reports", "/opportunities/reports"),
                               ("calendar", "/customers/calendar"), ("accounts-new", "/records/accounts/new")):
                page.goto(server.url + path)
                assert_fits(page, name)

            # on a touch screen the move menu moves a card (here through the required-action dialog)
            page.goto(server.url + "/opportunities/board")
            page.click(f"#deal-{deal} .card-move")
            page.click("#move-dialog button.move-stage[value=qualification]")
            page.wait_for_selector("#actions-dialog[open]")
            page.click("#actions-ok")
            page.wait_for_function(f"() => document.querySelector('#deal-{deal}').closest('.board-column')"
                                   f".dataset.stage === 'qualification'")
            page.wait_for_function(f"() => !document.querySelector('#deal-{deal}').classList.contains('moving')")
            assert stored(app, deal)["stage"] == "qualification"
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()
