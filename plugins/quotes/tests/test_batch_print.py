"""Batch print: selected quotes as a ZIP of PDFs (``format=pdf.zip`` through the generic export), inline and as a job."""
from __future__ import annotations

import io
import zipfile

from core.jobs.worker import run_pending
from plugins.quotes.tests.conftest import Sales, ok
from plugins.quotes.tests.test_output import pdf_text, quote_with_cjk_lines


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
    account = sales.account("해동통신")
    refused = admin.get(f"/api/v1/exports/accounts?format=pdf.zip&scope=selected&ids={account}",
                        headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == "Only quotes can be exported as PDF files."
    korean = admin.get(f"/api/v1/exports/accounts?format=pdf.zip&scope=selected&ids={account}",
                       headers={"Accept-Language": "ko"})
    assert korean.status_code == 400 and korean.get_json()["error"]["message"] == "견적서만 PDF 파일로 내보낼 수 있습니다."
