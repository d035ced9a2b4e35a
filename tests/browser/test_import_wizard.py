"""The import wizard in real Chromium: a Korean-header workbook, automatic mapping, preview, job progress, undo."""
from __future__ import annotations

import pytest

from core.testing import make_user
from core.testing_browser import log_in, screenshot
from tests.test_importexport_support import brn, xlsx_bytes

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = [["고객명", "사업자등록번호", "대표자", "메모"],
        ["해동통신", brn(1), "김대표", "VIP"],
        ["대한물산", "123-45-00000", "이대표", None],  # wrong checksum
        ["서울상사", brn(2), "박대표", None]]


def live_account_names(app) -> list[str]:
    import sqlalchemy as sa

    from core.db import session
    from core.runtime import runtime

    with app.app_context():
        table = runtime().registry.get("accounts").table
        return sorted(session().scalars(sa.select(table.c.name).where(table.c.deleted_at.is_(None))))


def test_import_a_korean_workbook_follow_the_job_and_undo(live_app, live_server, browsing, monkeypatch):
    from core.importexport import runs
    from core.jobs.worker import run_pending

    monkeypatch.setattr(runs, "INLINE_MAX_BYTES", 0)  # even this small file runs as the job the page follows
    make_user(live_app, "rep@example.com", role="sales", name="김영업")
    page = browsing.new_page()
    log_in(page, live_server.url, "rep@example.com")

    page.goto(live_server.url + "/records/accounts")
    page.click("#import-records")
    page.set_input_files("#import-file", files=[{"name": "고객목록.xlsx", "mimeType": XLSX,
                                                  "buffer": xlsx_bytes(ROWS)}])
    page.click("#upload-button")
    page.wait_for_selector("#mapping-table")
    assert [page.input_value(f"#column-{i}") for i in range(4)] == ["name", "business_number", "representative",
                                                                     "description"]
    rejected = page.locator("#preview-table tr.row-rejected")
    assert rejected.count() == 1 and rejected.get_attribute("data-row") == "3"
    assert rejected.locator("td.cell-error").inner_text() == "123-45-00000"
    assert page.locator("#preview-table tr.row-valid").count() == 2
    screenshot(page, "import-01-mapping-preview")

    page.select_option("#column-3", "")  # leave the memo column out and check again
    page.click("#check-again")
    page.wait_for_selector("#mapping-table")
    assert page.input_value("#column-3") == ""
    assert page.locator("#preview-table tr.row-rejected").count() == 1

    page.click("#run-import")
    page.wait_for_selector("#import-progress[data-poll]")
    assert live_account_names(live_app) == []
    assert run_pending(live_app) == 1
    page.wait_for_selector("#import-counts")  # the page polled the API, saw the job finish and reloaded
    assert page.eval_on_selector("#import-progress-bar", "bar => [bar.value, bar.max]") == [3, 3]
    counts = {k: page.inner_text(f"[data-count={k}]") for k in ("created", "updated", "skipped", "rejected")}
    assert counts == {"created": "2", "updated": "0", "skipped": "0", "rejected": "1"}
    assert page.locator("#rejected-rows tr[data-row='3']").count() == 1
    assert live_account_names(live_app) == ["서울상사", "해동통신"]
    screenshot(page, "import-02-result")

    page.click("#undo-import")
    assert page.locator("#undo-dialog").is_visible()
    page.click("#confirm-undo")
    assert "2 records removed" in page.locator(".flash-success").inner_text()
    assert page.locator("#undo-import").count() == 0
    assert live_account_names(live_app) == []
    screenshot(page, "import-03-undone")
