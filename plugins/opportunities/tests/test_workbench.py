"""The workbench's pipeline figures: totals a manager steers by, each linking to the list of the same deals."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re

from core import clock
from core.testing import make_user
from tests.browser.support import logged_in


def figure(html: str, name: str) -> str:
    return html[html.index(f'id="figure-{name}"'):html.index("</a>", html.index(f'id="figure-{name}"'))]


def test_pipeline_figures_and_their_lists(app, pipeline, frozen):
    pipeline.deal(title="열린 건", amount="3000000", stage="proposal", expected_close_date="2026-11-20")
    pipeline.deal(title="다음 달 건", amount="1000000", expected_close_date="2026-12-20")
    pipeline.deal(title="이번 달 수주", amount="5000000", stage="won")
    clock.set_now(clock.now() + dt.timedelta(days=40))  # 2026-12-12: the open deals have sat 40 days
    pipeline.deal(title="12월 수주", amount="7000000", stage="won")
    make_user(app, "boss@example.com", admin=True)
    client = logged_in(app, "boss@example.com")
    html = client.get("/").text
    assert "₩4,000,000" in figure(html, "pipeline") and "₩1,600,000" in figure(html, "pipeline")  # 50% + 10%
    assert "₩7,000,000" in figure(html, "won") and "₩5,000,000" in figure(html, "won-last")
    assert "₩1,000,000" in figure(html, "closing")
    assert "2" in figure(html, "stuck")
    for name, expected in (("won", {"12월 수주"}), ("won-last", {"이번 달 수주"}), ("closing", {"다음 달 건"}),
                           ("stuck", {"열린 건", "다음 달 건"})):
        url = html_lib.unescape(re.search(r'href="([^"]+)"', figure(html, name)).group(1))
        listed = client.get(url).text
        shown = {t for t in ("열린 건", "다음 달 건", "이번 달 수주", "12월 수주") if t in listed}
        assert shown == expected, (name, url)


def test_recent_changes_show_a_line_items_product_not_its_id(app, pipeline):
    deal = pipeline.deal(title="그룹웨어 도입")
    item = pipeline.item(deal["id"], pipeline.product(name="랙서버"))
    make_user(app, "boss@example.com", admin=True)
    html = logged_in(app, "boss@example.com").get("/").text
    assert re.search(rf'/records/opportunity_items/{item["id"]}">랙서버</a>', html)
