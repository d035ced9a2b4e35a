"""Output: the Korean print view, PDF with real Korean and Chinese text, xlsx, email with the PDF attached."""
from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from core.jobs.worker import run_pending
from plugins.quotes.tests.conftest import ok
from tests.browser.support import logged_in

COMPANY = {"name": "(주)플러그씨알엠", "business_number": "123-45-67890", "representative": "홍길동",
           "address": "서울특별시 강남구 테헤란로 123", "phone": "02-000-0000"}


def quote_with_cjk_lines(sales, admin):
    ok(admin.put("/api/v1/quotes/company", json=COMPANY))
    account = sales.account("재근상사")
    quote = sales.quote(account, title="ERP 도입 견적", delivery_site="본사 3층 전산실")
    sales.line(quote["id"], name="ERP영업관리", item_code="9998", specification="3유저", quantity="1",
               unit_price="5000000")
    sales.line(quote["id"], name="企业资源计划系统", specification="标准版", quantity="2", unit_price="1500000")
    sales.line(quote["id"], kind="text", name="- 무상유지보수기간 3개월")
    return sales.get(quote["id"])


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_has_the_quotes_korean_and_chinese_text(sales, admin):
    quote = quote_with_cjk_lines(sales, admin)
    response = admin.get(f"/api/v1/quotes/{quote['id']}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("ERP영업관리", "企业资源计划系统", "标准版", "- 무상유지보수기간 3개월", "재근상사", "ERP 도입 견적",
                     "본사 3층 전산실", "(주)플러그씨알엠", "123-45-67890", "서울특별시 강남구 테헤란로 123",
                     "일금 팔백팔십만원정", "8,800,000", quote["number"]):
        assert expected in text, expected


def test_print_view_has_the_korean_layout(app, sales, admin):
    quote = quote_with_cjk_lines(sales, admin)
    html = logged_in(app, "admin@example.com").get(f"/quotes/{quote['id']}/print").text
    assert 'id="gapji"' in html and 'id="eulji"' in html
    assert "견 적 서" in html and "일금 팔백팔십만원정" in html and "123-45-67890" in html and "(인)" in html
    assert "<script>" not in html and "onclick" not in html


def test_xlsx_has_lines_and_totals(sales, admin):
    quote = quote_with_cjk_lines(sales, admin)
    sales.line(quote["id"], kind="text", name="=HYPERLINK(\"http://x\")")
    response = admin.get(f"/api/v1/quotes/{quote['id']}/xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "ERP영업관리" in values and "企业资源计划系统" in values and "일금 팔백팔십만원정" in values
    assert 8800000 in values
    assert "'=HYPERLINK(\"http://x\")" in values


def test_send_by_email_with_the_pdf_attached_and_logged(app, sales, admin, smtp_server):
    ok(admin.put("/api/v1/mail/settings", json=smtp_server.settings()))
    quote = quote_with_cjk_lines(sales, admin)
    bad = ok(admin.post(f"/api/v1/quotes/{quote['id']}/send", json={"to": ["not-an-address"]}), 422)["error"]
    assert "to" in bad["fields"]
    queued = ok(admin.post(f"/api/v1/quotes/{quote['id']}/send", json={"to": ["buyer@jaegeun.co.kr"]}), 202)
    assert queued["status"] == "queued"
    run_pending(app)
    message = smtp_server.messages[-1]
    assert message["To"] == "buyer@jaegeun.co.kr" and quote["number"] in message["Subject"]
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == f"{quote['number']}.pdf"
    assert "企业资源计划系统" in pdf_text(attachment.get_content())
    log = ok(admin.get(f"/api/v1/quotes/{quote['id']}/emails"))["data"]
    assert [(e["to"], e["status"]) for e in log] == [("buyer@jaegeun.co.kr", "sent")]


def test_batch_pdf_holds_every_quote(app, sales, admin):
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User
    from plugins.quotes.output import render_batch_pdf

    first = quote_with_cjk_lines(sales, admin)
    second = sales.quote(sales.account("뉴시스"), title="두번째 견적")
    sales.line(second["id"], name="报价测试", quantity="1", unit_price="1000")
    with app.test_request_context("/"):
        user = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        quotes = [records.fetch(runtime().registry.get("quotes"), q["id"]) for q in (first, second)]
        reader = PdfReader(io.BytesIO(render_batch_pdf(quotes, user)))
    assert len(reader.pages) == 4
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert first["number"] in text and second["number"] in text and "报价测试" in text and "뉴시스" in text
