"""'All / mine / my team's' quick filters above every owned entity's list, and on the activities calendar."""
from __future__ import annotations

import html as html_lib
import re

from core.testing import make_user
from tests.browser.support import create, logged_in


def quick_links(page: str) -> dict:
    nav = page[page.index('class="quick-filters"'):page.index("</nav>", page.index('class="quick-filters"'))]
    return {key: html_lib.unescape(href) for href, key in re.findall(r'href="\?([^"]*)"[^>]*data-quick="(\w+)"', nav)}


def test_mine_and_my_team_narrow_the_list(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    make_user(app, "admin@example.com", admin=True)
    make_user(app, "lead@example.com", role="manager", name="팀장")
    make_user(app, "rep@example.com", role="sales", name="영업")
    make_user(app, "other@example.com", role="director", name="이사")
    create(app, "accounts", {"name": "팀장 고객"}, "lead@example.com")
    create(app, "accounts", {"name": "영업 고객"}, "rep@example.com")
    create(app, "accounts", {"name": "이사 고객"}, "other@example.com")

    lead = logged_in(app, "lead@example.com")
    page = lead.client.get("/records/accounts?q=고객").text
    links = quick_links(page)
    assert set(links) == {"all", "mine", "team"} and "q=%EA%B3%A0%EA%B0%9D" in links["mine"]
    mine = lead.client.get("/records/accounts?" + links["mine"]).text
    assert "팀장 고객" in mine and "영업 고객" not in mine
    assert 'aria-current="true"' in mine
    team = lead.client.get("/records/accounts?" + links["team"]).text
    assert "팀장 고객" in team and "영업 고객" in team and "이사 고객" not in team

    # a rep with nobody below gets no "my team's"
    rep_page = logged_in(app, "rep@example.com").client.get("/records/accounts").text
    assert set(quick_links(rep_page)) == {"all", "mine"}
    # the calendar offers the same filters
    assert set(quick_links(lead.client.get("/customers/calendar").text)) == {"all", "mine", "team"}
