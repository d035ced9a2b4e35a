"""Printed business documents (a quote, a purchase order) as HTML, PDF and xlsx: the shared machinery.

A plugin renders its document's HTML with its own template (whose ``<body>``
has the class ``print-doc``), links :data:`PRINT_CSS` (``ui.static``,
``css/print.css``) and its own layout sheet, and turns the same HTML into a
PDF with :func:`pdf`: WeasyPrint reads the stylesheets from files (it fetches
no URLs) and the Noto CJK fonts make Korean and Chinese real, extractable
text.  Workbooks use :func:`safe_cell` for text (no formula injection),
:func:`format_amounts` and :func:`workbook_bytes`; :func:`download` answers
with the file.
"""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment
from weasyprint import CSS, HTML

from core.money import currency

PRINT_CSS = Path(__file__).parent / "ui" / "static" / "css" / "print.css"


def stylesheets(*extra: Path) -> list[CSS]:
    """The core's print sheet, then the document's own (``extra``), from their files."""
    return [CSS(filename=str(path)) for path in (PRINT_CSS, *extra)]


def pdf(html: str, *extra_css: Path) -> bytes:
    """The print view's HTML as a PDF."""
    return HTML(string=html).write_pdf(stylesheets=stylesheets(*extra_css))


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe ("- note" rows stay as typed)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not value.startswith("- "):
        return "'" + value
    return value


def format_amounts(ws) -> None:
    """Decimal cells right-aligned with the currency's grouping (no decimals for KRW)."""
    money = "#,##0" if currency() == "KRW" else "#,##0.00"
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = money
                cell.alignment = Alignment(horizontal="right")


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(content: bytes, mime: str, filename: str) -> Response:
    """A file to save (never cached: documents carry customers' prices)."""
    return Response(content, mimetype=mime,
                    headers={"Content-Disposition": f"attachment; filename=\"{filename}\"",
                             "Cache-Control": "private, no-store"})
