"""In real Chromium: the quote list's "Print selected (PDF, ZIP)" button runs the batch print as an export
job, shows its progress, then the download link, and the file holds one PDF per selected quote."""
from __future__ import annotations

import io
import zipfile

import pytest

from core.jobs.worker import run_pending
from core.testing import ApiClient, make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot
from plugins.quotes.tests.conftest import PLUGINS, Sales

pytestmark = pytest.mark.browser


def test_print_selected_quotes_from_the_list(crm_app_factory, chromium):
    app = crm_app_factory(plugins=PLUGINS, language="ko")
    _uid, token = make_user(app, "admin@example.com", admin=True, name="관리자")
    sales = Sales(ApiClient(app.test_client(), token))
    quotes = [sales.quote(sales.account(name), title=f"{name} 견적") for name in ("재근상사", "뉴시스", "해동통신")]
    chosen = quotes[:2]
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page(locale="ko-KR")
            log_in(page, server.url, "admin@example.com")
            page.goto(f"{server.url}/records/quotes")
            button = page.locator("button[data-export-format='pdf.zip'][data-scope=selected]")
            assert button.inner_text() == "선택 견적서 일괄 인쇄(PDF, ZIP)"
            assert button.is_disabled()  # nothing selected yet
            for quote in chosen:
                page.check(f"#list-form input[name=ids][value='{quote['id']}']")
            assert button.is_enabled()
            button.click()
            message = page.locator("#export-message")
            message.wait_for(state="visible")
            page.locator("#export-message", has_text="대기 중").wait_for()  # queued: no worker has run
            screenshot(page, "quotes-batch-print-queued")

            with page.expect_download() as download_info:
                assert run_pending(app) == 1  # the worker: the page polls the job until it is done
                page.wait_for_selector("#export-download")
            assert "파일이 준비되었습니다." in message.inner_text()
            screenshot(page, "quotes-batch-print-ready")
            download = download_info.value
            assert download.suggested_filename.endswith(".pdf.zip")
            with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
                names = sorted(archive.namelist())
                assert names == sorted(f"{q['number']}.pdf" for q in chosen)
                assert all(archive.read(name).startswith(b"%PDF") for name in names)

            # 견적현황: the tab's quotes, all of them, the same way
            page.goto(f"{server.url}/quotes/status?tab=draft")
            page.click("#quotes-print-all")
            page.locator("#export-message", has_text="대기 중").wait_for()  # queued: no worker has run
            with page.expect_download() as download_info:
                assert run_pending(app) == 1
                page.wait_for_selector("#export-download")
            screenshot(page, "quotes-status-print-all")
            with zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read())) as archive:
                assert len(archive.namelist()) == len(quotes)
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()
