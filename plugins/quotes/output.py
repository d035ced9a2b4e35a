"""The quote as the customer sees it: the Korean layout in HTML, PDF (WeasyPrint) and xlsx.

갑지 (cover): recipient, date, validity, the supplier block (company name,
business number, representative, address, phone, seal), the total in Korean
words (일금 ... 원정) and figures, the terms; 을지: the line table with subtotal
rows and the document totals.  One context (:func:`print_context`) feeds the
three outputs, so they always agree.
"""
from __future__ import annotations

from pathlib import Path

from flask import render_template
from flask_babel import get_locale
from openpyxl import Workbook
from openpyxl.styles import Font

from core.documents import format_amounts, pdf, safe_cell, workbook_bytes
from core.entities import records
from core.entities.display import display_values
from core.money import currency
from core.plugin_api import translator
from plugins.quotes import settings, totals, words
from plugins.quotes.documents import entity, live_lines

_, _l = translator("quotes")


def print_context(quote: dict, user, display: dict | None = None) -> dict:
    """Everything the printed quote shows (the quote is already permission-checked).

    ``display``: the quote's labels when the caller has them (the batch export reads them per chunk).
    """
    if display is None:
        display = display_values(entity("quotes"), [quote], user)[0]
    account = records.fetch(entity("accounts"), quote["account_id"])
    contact = records.fetch(entity("contacts"), quote["contact_id"]) if quote["contact_id"] else None
    lines = totals.with_subtotals(live_lines("quote_lines", quote["id"]))
    return {"quote": quote, "display": display, "lang": str(get_locale() or "ko").replace("_", "-"), "account": account, "contact": contact, "lines": lines,
            "company": settings.company(), "currency": currency(),
            "total_words": words.korean_amount(quote["total"]) if currency() == "KRW" else None}


# The quote layout's own sheet, after the core's print.css (the HTML carries no inline style, which the
# pages' CSP would refuse).
QUOTE_CSS = Path(__file__).parent / "static" / "print.css"


def render_html(quote: dict, user, *, for_pdf: bool = False) -> str:
    return render_template("quotes/print.html", for_pdf=for_pdf, **print_context(quote, user))


def render_pdf(quote: dict, user) -> bytes:
    """The print view as PDF; the Noto CJK fonts make Korean and Chinese real (extractable) text."""
    return html_to_pdf(render_html(quote, user, for_pdf=True))


def pdf_html(quote: dict, display: dict) -> str:
    """The HTML :func:`render_pdf` lays out, for a quote whose labels are known (the batch export's records)."""
    return render_template("quotes/print.html", for_pdf=True, **print_context(quote, None, display))


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint with the print stylesheets: reads nothing from the database."""
    return pdf(html, QUOTE_CSS)


def render_batch_pdf(quotes_: list[dict], user) -> bytes:
    """Several quotes in one PDF: one HTML document (one stylesheet, one layout pass), 갑지 and 을지 of each."""
    docs = [print_context(q, user) for q in quotes_]
    shared = {k: docs[0][k] for k in ("company", "currency", "lang")} if docs else {}
    html = render_template("quotes/print_batch.html", for_pdf=True, docs=docs, **shared)
    return pdf(html, QUOTE_CSS)


def render_xlsx(quote: dict, user) -> bytes:
    """The quote as a workbook: the 갑지 facts on top, then the 을지 line table and totals."""
    ctx = print_context(quote, user)
    wb = Workbook()
    ws = wb.active
    ws.title = quote["number"] or "quote"
    ws.append([_("Quotation")])
    ws["A1"].font = Font(size=16, bold=True)
    company = ctx["company"]
    facts = [(_("Quote number"), quote["number"]), (_("Quote date"), quote["quote_date"]),
             (_("Valid until"), quote["valid_until"]), (_("Recipient"), ctx["account"]["name"]),
             (_("Quote title"), quote["title"]), (_("Delivery site"), quote["delivery_site"]),
             (_("Payment terms"), quote["payment_terms"]), (_("Delivery terms"), quote["delivery_terms"]),
             (_("Supplier"), company["name"]), (_("Business registration number"), company["business_number"]),
             (_("Representative"), company["representative"]), (_("Address"), company["address"]),
             (_("Total amount"), quote["total"])]
    if ctx["total_words"]:
        facts.append(("", ctx["total_words"]))
    for label, value in facts:
        ws.append([label, safe_cell(value)])
    ws.append([])
    header = [_("No."), _("Item code"), _("Item name"), _("Specification"), _("Unit"), _("Quantity"),
              _("Unit price"), _("Supply amount"), _("VAT"), _("Total amount")]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    number = 0
    for ln in ctx["lines"]:
        if ln["kind"] == "item":
            number += 1
            ws.append([number, safe_cell(ln["item_code"]), safe_cell(ln["name"]), safe_cell(ln["specification"]),
                       safe_cell(ln["unit"]), ln["quantity"], ln["unit_price"], ln["supply_amount"], ln["vat_amount"],
                       ln["line_total"]])
        elif ln["kind"] == "subtotal":
            ws.append(["", "", safe_cell(ln["name"] or _("Subtotal")), "", "", None, None, ln["supply_amount"],
                       ln["vat_amount"], ln["line_total"]])
        else:
            ws.append(["", "", safe_cell(ln["name"])])
    ws.append(["", "", _("Total"), "", "", None, None, quote["supply_total"], quote["vat_total"], quote["total"]])
    format_amounts(ws)
    ws.column_dimensions["C"].width = 36
    return workbook_bytes(wb)
