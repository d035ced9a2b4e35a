"""The kanban pipeline board in real Chromium: drag a deal to another stage, with the required-action check."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.testing import make_user
from plugins.opportunities.tests.conftest import PLUGINS
from core.testing_browser import Browsing, LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser


def stored(app, deal_id: int) -> dict:
    from core.db import session
    from core.entities import records
    from core.runtime import runtime

    with app.app_context():
        record = records.fetch(runtime().registry.get("opportunities"), deal_id)
        session().rollback()
        return record


def create_deal(app, title: str, **values) -> int:
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    with app.app_context():
        admin = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        deal = records.create(runtime().registry.get("opportunities"),
                              {"title": title, "amount": "1000000", "revenue_month": "2026-12-01", **values}, admin)
        session().commit()
        return deal["id"]


def column(page, stage: str):
    return page.locator(f"section.board-column[data-stage={stage}] .cards")


def test_dragging_a_deal_changes_its_stage_unless_actions_are_missing(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS, language="en")
    admin_id = make_user(app, "admin@example.com", admin=True, name="Admin Kim")[0]
    deal = create_deal(app, "Groupware rollout", owner_id=admin_id)
    other = create_deal(app, "Server refresh", stage="qualification",
                        completed_actions=["first_meeting", "needs_confirmed"])
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page()
            page.set_viewport_size({"width": 1366, "height": 900})  # a laptop: won and lost collapse to fit
            log_in(page, server.url, "admin@example.com")
            page.goto(server.url + "/opportunities/board?type=new")
            card = f"#deal-{deal}"
            assert column(page, "prospecting").locator(card).count() == 1

            # the card shows its customer, owner, amount and expected month; won and lost are on screen
            text = page.inner_text(card)
            assert "Admin Kim" in text and "2026-12" in text and "1,000,000" in text
            lost_box = page.locator("section.board-column[data-stage=lost]").bounding_box()
            assert lost_box["x"] + lost_box["width"] <= 1366

            # no first meeting yet: the server refuses and a dialog lists the missing action
            page.drag_and_drop(card, "section.board-column[data-stage=qualification] .cards")
            page.wait_for_selector("#actions-dialog[open]")
            assert "First meeting" in page.inner_text("#actions-list")
            assert "First meeting" in page.inner_text("#board-message")
            screenshot(page, "opportunities-board-required-actions")
            # cancelling leaves the deal where it was
            page.click("#actions-dialog button[value=cancel]")
            page.wait_for_function(f"() => document.querySelector('{card}').closest('.board-column').dataset.stage"
                                   f" === 'prospecting' && !document.querySelector('{card}').classList.contains('moving')")
            assert stored(app, deal)["stage"] == "prospecting"

            # again, by keyboard this time: tick the action in the dialog and the move goes through
            page.focus(card)
            page.keyboard.press("ArrowRight")
            page.wait_for_selector("#actions-dialog[open]")
            page.fill("#actions-note", "met the CIO")
            page.click("#actions-ok")
            page.wait_for_function(f"() => document.querySelector('{card}').closest('.board-column').dataset.stage"
                                   f" === 'qualification' && !document.querySelector('{card}').classList.contains('moving')")
            moved = stored(app, deal)
            assert moved["stage"] == "qualification" and moved["completed_actions"] == ["first_meeting"]
            assert "Groupware rollout" in page.inner_text("#board-status")
            page.focus(card)
            page.keyboard.press("ArrowLeft")
            page.wait_for_function(f"() => document.querySelector('{card}').closest('.board-column').dataset.stage"
                                   f" === 'prospecting' && !document.querySelector('{card}').classList.contains('moving')")
            assert stored(app, deal)["stage"] == "prospecting"

            # a deal whose actions are done moves, on screen and in the database
            page.drag_and_drop(f"#deal-{other}", "section.board-column[data-stage=needs_analysis] .cards")
            # functions, not expression strings: Playwright evaluates strings with eval, which the CSP refuses
            page.wait_for_function(f"() => document.querySelector('#deal-{other}').closest('.board-column')"
                                   f".dataset.stage === 'needs_analysis' && !document.querySelector('#deal-{other}')"
                                   f".classList.contains('moving')")
            page.wait_for_selector("#board-message[hidden]", state="attached")
            assert stored(app, other)["stage"] == "needs_analysis"
            assert page.inner_text("section.board-column[data-stage=needs_analysis] .count") == "1"
            # the header totals follow the card: its amount leaves qualification and joins needs analysis
            assert "1,000,000" in page.inner_text("section.board-column[data-stage=needs_analysis] .amount")
            assert page.inner_text("section.board-column[data-stage=qualification] .count") == "0"
            assert "1,000,000" not in page.inner_text("section.board-column[data-stage=qualification] .amount")

            # dropping on "lost" asks for the reason first
            page.drag_and_drop(card, "section.board-column[data-stage=lost] header")  # collapsed: drop on its head
            page.wait_for_selector("#lost-dialog[open]")
            page.select_option("#lost-reason", "price")
            page.fill("#lost-to", "Hanbit")
            page.click("#lost-ok")
            page.wait_for_function(f"() => document.querySelector('{card}').closest('.board-column').dataset.stage"
                                   f" === 'lost' && !document.querySelector('{card}').classList.contains('moving')")
            lost = stored(app, deal)
            assert (lost["stage"], lost["lost_reason"], lost["lost_to"]) == ("lost", "price", "Hanbit")
            screenshot(page, "opportunities-board-moved")
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()
