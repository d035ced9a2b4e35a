"""Batch print: the selected quotes as a ZIP of PDFs, one file per quote (the ``pdf.zip`` export format).

Through the generic export (``/api/v1/exports/quotes?format=pdf.zip&scope=selected&ids=...``, or any list
filter with ``scope=all``): the same permission filter as every list, hidden fields left out, and a job
with a download for large selections (``async=1`` runs any selection as a job, as the list's batch print
button does).  Each quote is rendered on its own (:func:`plugins.quotes.output.render_pdf`'s layout) and
written into the archive before the next one is read, so memory stays flat whatever the count; a single
PDF of a thousand quotes would hold every page's layout at once (about 2.5 GB).

A batch of a thousand quotes takes minutes, and jobs begin SQLite's write lock up front (``BEGIN
IMMEDIATE``, :func:`core.db.sqlite_begin`): so the writer ends the transaction before each PDF.  Each
quote's reads (company, account, contact, lines) are a short transaction of their own, WeasyPrint runs
with none open, and other writers (requests, the job's lease heartbeat) are never kept waiting for the batch.
"""
from __future__ import annotations

import zipfile
from typing import IO, Iterable

from core.db import session
from core.plugin_api import ExportFormat, translator
from plugins.quotes import output

_, _l = translator("quotes")

FORMAT = "pdf.zip"


def member_name(quote: dict, taken: set[str]) -> str:
    """``Q-202612-0001.pdf`` (the number, or the id of a quote without one), unique within the archive."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(quote.get("number") or quote["id"]))
    name, n = f"{stem}.pdf", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.pdf"
    taken.add(name)
    return name


def write_zip(entity, records: Iterable[dict], fileobj: IO[bytes]) -> int:
    """The ``crm_export_formats`` writer: one PDF per quote record (with ``_display``) into a ZIP archive.

    Only quotes reach it: the format declares them (:data:`EXPORT`), and the export API refuses it for
    any other entity."""
    taken: set[str] = set()
    count = 0
    # PDFs are compressed already: stored, not deflated again
    quotes = list(records)  # read to the end first: the transaction that streamed them ends below
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for quote in quotes:
            html = output.pdf_html(quote, quote.get("_display"))  # the quote's reads, in a short transaction
            session().commit()  # no transaction (nor SQLite's write lock) held across the rendering
            archive.writestr(member_name(quote, taken), output.html_to_pdf(html))
            count += 1
    return count


# the list page's buttons run it as a job: a PDF takes a fraction of a second, a page of quotes minutes
EXPORT = ExportFormat(write_zip, entities=("quotes",), as_job=True,
                      buttons={"selected": _l("Print selected (PDF, ZIP)"),
                               "all": _l("Print all matching (PDF, ZIP)")})
