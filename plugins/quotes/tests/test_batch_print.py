"""Batch print: selected quotes as a ZIP of PDFs (``format=pdf.zip`` through the generic export), inline and as a job."""
from __future__ import annotations

import html
import io
import re
import zipfile

from core.jobs.worker import run_pending
from plugins.quotes.tests.conftest import Sales, ok
from plugins.quotes.tests.test_output import pdf_text, quote_with_cjk_lines
from tests.browser.support import logged_in


def members(response) -> dict[str, bytes]:
    assert response.status_code == 200 and response.mimetype == "application/zip", response.status_code
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_selected_quotes_come_as_one_pdf_each(sales, admin):
    first = quote_with_cjk_lines(sales, admin)
    second = sales.quote(sales.account("뉴시스"), title="두번째 견적")
    sales.line(second["id"], name="报价测试", quantity="1", unit_price="1000")
    sales.quote(sales.account("제외상사"), title="고르지 않은 견적")

    files = members(admin.get(f"/api/v1/exports/quotes?format=pdf.zip&scope=selected&ids={first['id']},{second['id']}"))
    assert sorted(files) == sorted([f"{first['number']}.pdf", f"{second['number']}.pdf"])
    text = pdf_text(files[f"{first['number']}.pdf"])
    for expected in ("ERP영업관리", "企业资源计划系统", "재근상사", "일금 팔백팔십만원정", first["number"]):
        assert expected in text, expected
    second_text = pdf_text(files[f"{second['number']}.pdf"])
    assert "报价测试" in second_text and "뉴시스" in second_text and "재근상사" not in second_text


def test_a_large_batch_runs_as_a_job_and_is_downloaded(app, sales, admin, monkeypatch):
    """The job renders with no transaction open: a batch takes minutes, and jobs take SQLite's write lock."""
    from core.db import session
    from plugins.quotes import output

    open_while_rendering = []
    real = output.html_to_pdf

    def spy(html):
        open_while_rendering.append(session().in_transaction())
        return real(html)

    monkeypatch.setattr(output, "html_to_pdf", spy)
    ids = [sales.quote(sales.account(f"거래처{n}"), title=f"견적 {n}")["id"] for n in range(3)]
    started = admin.post(f"/api/v1/exports/quotes?format=pdf.zip&async=1&scope=selected&ids={','.join(map(str, ids))}")
    assert started.status_code == 202, started.get_json()
    assert run_pending(app) == 1
    done = ok(admin.get(f"/api/v1/exports/{started.get_json()['id']}"))
    assert done["status"] == "done" and done["rows"] == 3
    response = admin.get(done["download"])
    assert response.headers["Content-Disposition"].endswith(f"quotes-{done['id']}.pdf.zip")
    files = members(response)
    assert len(files) == 3 and all(content.startswith(b"%PDF") for content in files.values())
    assert open_while_rendering == [False, False, False]


def test_a_colleague_without_sharing_gets_none_of_the_reps_quotes(team):
    rep = Sales(team["rep"])
    quote = rep.quote(rep.account("영업전용상사"), title="비공개 견적")
    assert members(team["peer"].get(f"/api/v1/exports/quotes?format=pdf.zip&scope=selected&ids={quote['id']}")) == {}
    assert len(members(team["rep"].get(f"/api/v1/exports/quotes?format=pdf.zip&scope=selected&ids={quote['id']}"))) == 1


def test_other_entities_cannot_be_printed_as_pdfs(sales, admin):
    """The format declares quotes only: any other entity gets a translated 400, inline and async alike
    (before, ``async=1`` queued a job that could only fail)."""
    account = sales.account("해동통신")
    for extra in ("", "&async=1"):
        refused = admin.get(f"/api/v1/exports/accounts?format=pdf.zip&scope=selected&ids={account}{extra}",
                            headers={"Accept-Language": "en"})
        assert refused.status_code == 400
        error = refused.get_json()["error"]
        assert error["message"] == "Accounts cannot be exported as pdf.zip. Use one of: xlsx, csv."
        assert error["fields"]["format"] == error["message"]
    korean = admin.get(f"/api/v1/exports/accounts?format=pdf.zip&scope=all&async=1",
                       headers={"Accept-Language": "ko"})
    assert korean.status_code == 400
    assert korean.get_json()["error"]["message"] == "고객사 데이터는 pdf.zip 형식으로 내보낼 수 없습니다. 다음 중 하나를 쓰세요: xlsx, csv."
    chinese = admin.get(f"/api/v1/exports/accounts?format=pdf.zip&scope=all", headers={"Accept-Language": "zh-Hans"})
    assert chinese.status_code == 400 and "pdf.zip" in chinese.get_json()["error"]["message"]
    assert "pdf.zip" in ok(admin.get("/api/v1/imports/formats"))["export"]


def test_the_list_offers_batch_print_on_quotes_only(app, sales, admin):
    """The quote list's "Print selected (PDF, ZIP)" button runs the export as a job: one PDF per quote."""
    ids = [sales.quote(sales.account(f"인쇄상사{n}"), title=f"인쇄 견적 {n}")["id"] for n in range(3)]
    browser = logged_in(app, "admin@example.com")
    page = browser.get("/records/quotes", headers={"Accept-Language": "en"}).text
    button = re.search(r'<button type="button" data-export="([^"]+)" data-scope="selected" '
                       r'data-export-format="pdf.zip" data-needs-selection>Print selected \(PDF, ZIP\)</button>', page)
    assert button, page
    assert 'data-export-format="pdf.zip"' not in browser.get("/records/accounts").text

    url = html.unescape(button.group(1)) + "&scope=selected&ids=" + ",".join(map(str, ids[:2]))
    started = admin.get(url)  # what the button's script fetches
    assert started.status_code == 202, started.get_json()
    assert started.get_json()["status"] == "queued" and started.get_json()["format"] == "pdf.zip"
    assert run_pending(app) == 1
    done = ok(admin.get(f"/api/v1/exports/{started.get_json()['id']}"))
    assert done["status"] == "done" and done["rows"] == 2
    numbers = {sales.get(i)["number"] for i in ids[:2]}
    files = members(admin.get(done["download"]))
    assert set(files) == {f"{n}.pdf" for n in numbers}
    assert all(content.startswith(b"%PDF") for content in files.values())


def test_the_status_page_prints_what_its_tab_and_period_show(app, sales, admin, frozen):
    """견적현황: "Print all matching" exports the tab's quotes in the chosen period, as a job."""
    dates = {"valid_until": "2026-12-31"}
    shown = sales.quote(sales.account("진행상사"), title="진행 견적", status="in_progress", quote_date="2026-11-02",
                        **dates)
    sales.quote(sales.account("작성상사"), title="작성 견적", quote_date="2026-11-02", **dates)  # another tab
    sales.quote(sales.account("지난상사"), title="지난 견적", status="in_progress", quote_date="2026-09-01",
                **dates)  # before the period
    browser = logged_in(app, "admin@example.com")
    page = browser.get("/quotes/status?tab=in_progress&date_from=2026-11-01&date_to=2026-11-30").text
    button = re.search(r'data-export="([^"]+)" data-scope="all" id="quotes-print-all"', page)
    assert button, page
    url = html.unescape(button.group(1))
    assert "format=pdf.zip" in url and "async=1" in url and "status=in_progress" in url
    started = admin.get(url)
    assert started.status_code == 202, started.get_json()
    assert run_pending(app) == 1
    done = ok(admin.get(f"/api/v1/exports/{started.get_json()['id']}"))
    assert done["status"] == "done" and done["rows"] == 1
    assert list(members(admin.get(done["download"]))) == [f"{shown['number']}.pdf"]
