"""Report tables link the deals and customers they name, permission-checked like every reference: a customer
the user may open is a link to the account's page, one they may not see is neither named nor linked (a link
would answer 404), both on the page and in its API and Excel forms."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from core.testing import make_user
from plugins.opportunities.tests.conftest import ok
from tests.browser.support import logged_in

UNSEEN = "볼 권한이 없는 레코드"  # "a record that you cannot see"


@pytest.fixture
def stuck_deals(app, pipeline, frozen):
    """rep1 owns two stuck deals: one with rep1's own customer, one with a customer only the admin may see."""
    rep1, _token = make_user(app, "rep1@example.com", role="sales", name="rep1")
    own = ok(pipeline.api.post("/api/v1/accounts", json={"name": "재근상사", "owner_id": rep1}), 201)["id"]
    private = pipeline.account("비밀상사")
    mine = pipeline.deal(title="그룹웨어", amount="30000000", stage="proposal", owner_id=rep1, account_id=own)["id"]
    theirs = pipeline.deal(title="보안솔루션", amount="50000000", stage="negotiation", owner_id=rep1,
                           account_id=private)["id"]
    frozen.advance(days=40)
    return {"own": own, "private": private, "mine": mine, "theirs": theirs}


def table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start:html.index("</table>", start)]


def test_the_stuck_and_top_account_tables_link_the_deal_and_its_customer(app, stuck_deals):
    make_user(app, "boss@example.com", admin=True)
    html = logged_in(app, "boss@example.com").get("/opportunities/reports").text
    stuck = table(html, "stuck-table")
    for deal in ("mine", "theirs"):
        assert f'href="/records/opportunities/{stuck_deals[deal]}"' in stuck
    for account, name in (("own", "재근상사"), ("private", "비밀상사")):
        assert f'<a href="/records/accounts/{stuck_deals[account]}" class="ref-link">{name}</a>' in stuck
    top = table(html, "account-table")
    assert top.index("비밀상사") < top.index("재근상사")  # the larger amount first
    assert f'href="/records/accounts/{stuck_deals["private"]}"' in top
    assert f"/records/opportunities?account_id={stuck_deals['own']}" in top  # the count drills down


def test_a_colleague_without_rights_on_the_customer_gets_no_name_and_no_link(app, stuck_deals):
    html = logged_in(app, "rep1@example.com").get("/opportunities/reports").text
    assert "보안솔루션" in html  # rep1 owns the deal ...
    for table_id in ("stuck-table", "account-table"):
        shown = table(html, table_id)
        assert f'href="/records/accounts/{stuck_deals["own"]}"' in shown
        assert f"/records/accounts/{stuck_deals['private']}" not in shown  # ... not its customer
        assert "비밀상사" not in shown and UNSEEN in shown
    assert "비밀상사" not in html


def test_the_api_and_excel_name_the_stuck_deals_customer_as_far_as_the_user_may_see_it(app, stuck_deals):
    from core.testing import ApiClient

    _id, token = make_user(app, "rep1b@example.com", role="sales")
    rep1 = logged_in(app, "rep1@example.com")
    data = rep1.get("/api/v1/opportunities/reports/stuck").get_json()["data"]
    assert [(d["title"], d["account_id"], d["account"]) for d in data] == [
        ("그룹웨어", stuck_deals["own"], "재근상사"), ("보안솔루션", stuck_deals["private"], None)]
    by_account = rep1.get("/api/v1/opportunities/reports/breakdown?by=account_id").get_json()["data"]
    assert [(r["key"], r["label"]) for r in by_account] == [(stuck_deals["private"], UNSEEN),
                                                            (stuck_deals["own"], "재근상사")]
    sheet = load_workbook(io.BytesIO(rep1.get("/opportunities/reports/stuck.xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][2] == "고객사" and [r[2] for r in rows[1:]] == ["재근상사", UNSEEN]
    assert ApiClient(app.test_client(), token).get("/api/v1/opportunities/reports/stuck").get_json()["data"] == []


def test_board_cards_link_the_customer_through_the_same_labels(app, stuck_deals, pipeline):
    html = logged_in(app, "rep1@example.com").get("/opportunities/board").text
    assert f'<a href="/records/accounts/{stuck_deals["own"]}" class="ref-link">재근상사</a>' in html
    assert f"/records/accounts/{stuck_deals['private']}" not in html and "비밀상사" not in html
    assert pipeline.api.delete(f"/api/v1/accounts/{stuck_deals['own']}").status_code == 204  # to the recycle bin
    html = logged_in(app, "rep1@example.com").get("/opportunities/board").text
    assert f"/records/accounts/{stuck_deals['own']}" not in html and "재근상사" in html
