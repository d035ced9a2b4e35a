"""The workflow designer in real Chromium (ko-KR), tried as a new implementer would, with no API call:

"when an opportunity's amount is over ₩50,000,000 and its stage changes to 협상, email the owner's
manager and set the probability to 90" - built in the designer, tested on a record (the dry run shows
the conditions and the planned email), saved; then a deal is moved on the board and exactly one email
reaches the SMTP sink and the run-log entry is on the deal.  Screenshots of each step.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.jobs.worker import run_pending
from core.testing import make_user
from core.testing_browser import LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser
PLUGINS = ["customers", "products", "opportunities", "workflows"]
ACTIONS = ["first_meeting", "needs_confirmed", "proposal_sent"]


def create_deal(app, title: str, owner_email: str, **values) -> int:
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    with app.app_context():
        owner = session().scalar(sa.select(User).where(User.email == owner_email))
        deal = records.create(runtime().registry.get("opportunities"),
                              {"title": title, "revenue_month": "2026-12-01", "stage": "proposal",
                               "completed_actions": ACTIONS, **values}, owner)
        session().commit()
        return deal["id"]


def stored(app, deal_id: int) -> dict:
    from core.db import session
    from core.entities import records
    from core.runtime import runtime

    with app.app_context():
        record = records.fetch(runtime().registry.get("opportunities"), deal_id)
        session().rollback()
        return record


def move_on_board(page, base_url: str, deal_id: int, stage: str) -> None:
    """The board's own move mechanism (drag the card to the stage's column); the one place with its selectors."""
    page.goto(base_url + "/opportunities/board?type=new")
    page.drag_and_drop(f"#deal-{deal_id}", f"section.board-column[data-stage={stage}] .cards")
    page.wait_for_function(f"() => document.querySelector('#deal-{deal_id}').closest('.board-column')"
                           f".dataset.stage === '{stage}' && !document.querySelector('#deal-{deal_id}')"
                           f".classList.contains('moving')")


def condition(page, group: str, index: int):
    return page.locator(f"#conditions-{group} .condition-row").nth(index)


def test_build_test_save_and_fire_a_workflow_without_code(crm_app_factory, chromium, smtp_server):
    app = crm_app_factory(plugins=PLUGINS, language="ko", smtp=smtp_server.settings())
    make_user(app, "admin@example.com", admin=True, name="관리자")
    make_user(app, "boss@example.com", role="manager", name="김팀장")
    make_user(app, "rep@example.com", role="sales", name="이영업")
    big = create_deal(app, "대형 ERP 구축", "rep@example.com", amount="80000000")
    small = create_deal(app, "소형 유지보수", "rep@example.com", amount="3000000")

    with LiveServer(app) as server:
        context = chromium.new_context(locale="ko-KR", viewport={"width": 1920, "height": 1000})
        context.set_default_timeout(15_000)
        requests: list[str] = []
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            log_in(page, server.url, "admin@example.com")
            page.goto(server.url + "/workflows/")
            page.click("#new-workflow")
            page.wait_for_selector("#workflow-form")
            screenshot(page, "workflow-designer-1-new")

            page.fill("#wf-name", "대형 거래 협상 알림")
            assert page.input_value("#wf-entity") == "opportunities"
            page.select_option("#wf-trigger", "save")
            # amount over ₩50,000,000: the operators offered are those of a money field
            page.click("#add-condition-all")
            amount = condition(page, "all", 0)
            amount.locator(".cond-field").select_option("amount")
            offered = amount.locator(".cond-op option").evaluate_all("options => options.map(o => o.value)")
            assert "gt" in offered and "contains" not in offered
            amount.locator(".cond-op").select_option("gt")
            amount.locator(".cond-value-box input.v").fill("50000000")
            # the stage changes to 협상: the value is chosen among the stage picklist's labels
            page.click("#add-condition-all")
            stage = condition(page, "all", 1)
            stage.locator(".cond-field").select_option("stage")
            stage.locator(".cond-op").select_option("changed_to")
            stage.locator(".cond-value-box select.v").select_option(label="협상")
            # email the owner's manager (the role above the owner's) ...
            page.select_option("#add-task-type", "send_email")
            page.click("#add-task")
            email = page.locator(".task[data-type=send_email]")
            email.locator(".task-title").fill("팀장에게 알림")
            email.locator(".rcpt-owner").uncheck()
            email.locator(".rcpt-superior").check()
            email.locator(".mail-subject").fill("[협상] ")
            email.locator(".insert-merge").first.select_option(label="영업기회명")
            email.locator(".mail-body").fill("협상 단계에 들어간 대형 거래입니다. 금액: {{ record.amount }}")
            # ... and set the probability to 90
            page.select_option("#add-task-type", "update_fields")
            page.click("#add-task")
            update = page.locator(".task[data-type=update_fields]")
            update.locator(".task-title").fill("확률 90%")
            update.locator(".assign-field").select_option("probability")
            update.locator(".assign-input input.v").fill("90")
            screenshot(page, "workflow-designer-2-built")

            # test on a record: as if the big deal moved to 협상
            page.fill("#test-record-text", "대형")
            page.click("#test-record-picker .ref-results button >> text=대형 ERP 구축")
            page.click("#add-test-change")
            change = page.locator("#test-changes-rows .change-row").first
            change.locator(".change-field").select_option("stage")
            change.locator("select.v").select_option(label="협상")
            page.click("#test-workflow")
            page.wait_for_selector("#dry-run-result")
            result = page.inner_text("#dry-run-result")
            assert "조건이 맞습니다" in result and result.count("✓") == 2
            assert page.inner_text("#dry-run-result .preview-to") == "boss@example.com"
            assert page.inner_text("#dry-run-result .preview-subject") == "[협상] 대형 ERP 구축"
            assert "가능성 → 90" in result
            screenshot(page, "workflow-designer-3-dry-run")
            assert stored(app, big)["stage"] == "proposal" and smtp_server.messages == []

            # the dry run re-rendered the form from what was built: save it as it is
            page.click("#save-workflow")
            page.wait_for_selector("#edit-workflow")
            assert "대형 거래 협상 알림" in page.inner_text("h1")
            screenshot(page, "workflow-designer-4-saved")

            move_on_board(page, server.url, small, "negotiation")  # too small: no email
            move_on_board(page, server.url, big, "negotiation")
            screenshot(page, "workflow-designer-5-board")
            assert stored(app, big)["probability"] == 90 and stored(app, small)["probability"] != 90
            assert run_pending(app) == 1
            [message] = smtp_server.messages
            assert message["To"] == "boss@example.com" and message["Subject"] == "[협상] 대형 ERP 구축"

            page.goto(server.url + f"/records/opportunities/{big}")
            log = page.locator("table.workflow-runs").first
            assert "대형 거래 협상 알림" in log.inner_text() and "팀장에게 알림" in log.inner_text()
            assert "발송됨" in log.inner_text()
            log.scroll_into_view_if_needed()
            screenshot(page, "workflow-designer-6-run-log")
        finally:
            context.close()
    assert not [u for u in requests if u.startswith("http") and not u.startswith(server.url)]
    assert not [u for u in requests if "/api/v1/workflows" in u]
    assert errors == []
