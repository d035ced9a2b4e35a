"""Exporting records to xlsx (openpyxl write-only, streamed) or csv.

What is exported: the selected ids, the current page (its filters, sort and
paging, parsed by :func:`core.entities.query.parse_list_args`) or everything
matching the filters, always starting from
:func:`core.entities.query.visible_select` and never including fields hidden
from the user.  Rows are read ``yield_per`` chunks at a time and written as
they come, so memory stays flat however many rows there are.  Headers are the
field labels in the user's language; picklists and references are written as
labels and names (which the importer reads back); money is a number with a
number format; dates are dates.  Text that a spreadsheet would run as a
formula (``= + - @``, tab, CR) gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.entities.fields import Field
from core.entities.query import (ListParams, all_fields, apply_params, hidden_fields, order_by,
                                 parse_list_args, visible_select)
from core.errors import BadRequest
from core.i18n import current_language, deployment_tz
from core.runtime import runtime

SCOPES = ("selected", "page", "all")
EXPORT_PARAMS = {"scope", "ids", "async", "encoding"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 1000
YES_NO = {"ko": ("예", "아니오"), "zh_Hans": ("是", "否"), "en": ("Yes", "No")}
CSV_ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "cp949": "cp949", "euc-kr": "cp949",
                 "gb18030": "gb18030"}


@dataclass
class ExportRequest:
    scope: str
    ids: list[int]
    params: ListParams
    columns: list[str]
    format: str
    encoding: str = "utf-8-sig"


def parse_request(entity, args: MultiDict, user, fmt: str) -> ExportRequest:
    """Read scope, ids, columns and list parameters; anything unknown or malformed is a 400."""
    from core.importexport.formats import export_formats

    errors: dict[str, str] = {}
    scope = args.get("scope") or ("selected" if args.get("ids") else "all")
    if scope not in SCOPES:
        errors["scope"] = _("Use one of: %(scopes)s.", scopes=", ".join(SCOPES))
    ids: list[int] = []
    if scope == "selected":
        try:
            ids = [int(part) for part in (args.get("ids") or "").split(",") if part.strip()]
        except ValueError:
            errors["ids"] = _("A comma-separated list of record ids.")
        if not ids and "ids" not in errors:
            errors["ids"] = _("Select at least one record.")
    if fmt not in export_formats():
        errors["format"] = _("Use one of: %(formats)s.", formats=", ".join(export_formats()))
    encoding = CSV_ENCODINGS.get((args.get("encoding") or "utf-8").lower())
    if encoding is None:
        errors["encoding"] = _("Use one of: %(names)s.", names=", ".join(sorted(CSV_ENCODINGS)))
    list_args = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in EXPORT_PARAMS | {"fields"}])
    columns = choose_columns(entity, user, args.get("fields"), errors)
    if errors:
        raise BadRequest(_("Invalid export parameters."), errors)
    return ExportRequest(scope, ids, parse_list_args(entity, list_args), columns, fmt, encoding or "utf-8-sig")


def default_columns(entity) -> list[str]:
    """Number, every field (built-in and custom) and the owner: what a re-import needs."""
    names = ["number"] if entity.numbering else []
    names += [f.name for f in runtime().registry.fields(entity)]
    if entity.owned:
        names.append("owner_id")
    return names


def choose_columns(entity, user, raw: str | None, errors: dict) -> list[str]:
    hidden = hidden_fields(entity, user)
    if not raw:
        return [n for n in default_columns(entity) if n not in hidden]
    fields = all_fields(entity)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    bad = [n for n in names if n not in fields or n in hidden]
    if bad:
        errors["fields"] = _("Unknown field %(name)s.", name=", ".join(bad))
    return names


def statement(entity, user, request: ExportRequest) -> sa.Select:
    stmt = apply_params(entity, visible_select(entity, user), request.params)
    if request.scope == "selected":
        stmt = stmt.where(entity.table.c.id.in_(request.ids))
    stmt = order_by(entity, stmt, request.params.sort)
    if request.scope == "page":
        stmt = stmt.limit(request.params.per_page).offset((request.params.page - 1) * request.params.per_page)
    return stmt


def header_labels(entity, columns: list[str]) -> list[str]:
    fields = all_fields(entity)
    return [fields[name].display_label() if name in fields else name for name in columns]


def record_chunks(entity, user, stmt: sa.Select) -> Iterator[list[dict]]:
    """Visible records in chunks, each record with ``_display`` (titles, names, labels)."""
    fields = runtime().registry.fields(entity)
    result = session().execute(stmt.execution_options(yield_per=CHUNK))
    for part in result.partitions():
        chunk = [records.row_to_record(entity, row, fields) for row in part]
        for record, display in zip(chunk, display_values(entity, chunk, user)):
            record["_display"] = display
        yield chunk


class CellMaker:
    """Turns a record's value into what the sheet holds, per column."""

    def __init__(self, entity, columns: list[str], for_xlsx: bool):
        fields = all_fields(entity)
        self.columns = [(name, fields.get(name)) for name in columns]
        self.for_xlsx = for_xlsx
        self.tz = deployment_tz()
        self.yes, self.no = YES_NO.get(current_language(), YES_NO["en"])

    def row(self, record: dict) -> list:
        display = record.get("_display") or {}
        return [self.value(name, f, record.get(name), display) for name, f in self.columns]

    def value(self, name: str, f: Field | None, value, display: dict):
        if value is None or value == [] or f is None:
            return None
        kind = f.type
        if kind in ("reference", "user", "picklist"):
            return neutralise(str(display.get(name) or value) if kind != "reference" else display.get(name))
        if kind == "multipicklist":
            return neutralise("; ".join(display.get(name) or value))
        if isinstance(value, dt.datetime):
            local = value.astimezone(self.tz).replace(tzinfo=None)
            return local if self.for_xlsx else local.isoformat(sep=" ", timespec="seconds")
        if isinstance(value, dt.date):
            return value if self.for_xlsx else value.isoformat()
        if isinstance(value, bool):
            return value if self.for_xlsx else (self.yes if value else self.no)
        if isinstance(value, Decimal):
            return value if self.for_xlsx else format(value, "f")
        if isinstance(value, str):
            return neutralise(value)
        return value


def neutralise(text):
    """A leading apostrophe for text a spreadsheet would treat as a formula."""
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def number_formats(entity, columns: list[str]) -> dict[int, str]:
    from core.money import places

    fields = all_fields(entity)
    money = "#,##0" if places() == 0 else "#,##0.00"
    formats = {}
    for index, name in enumerate(columns):
        f = fields.get(name)
        if f is None:
            continue
        if f.type == "money":
            formats[index] = money
        elif f.type == "percent":
            formats[index] = "0.00"
        elif f.type == "datetime":
            formats[index] = "yyyy-mm-dd hh:mm"
        elif f.type == "date":
            formats[index] = "yyyy-mm-dd"
    return formats


def write_xlsx(entity, columns: list[str], chunks: Iterator[list[dict]], fileobj) -> int:
    """Stream rows into a write-only workbook (cells of money, dates and percents carry a format)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(entity.label)[:31] or entity.name)
    ws.append(header_labels(entity, columns))
    maker = CellMaker(entity, columns, for_xlsx=True)
    formats = number_formats(entity, columns)
    count = 0
    for chunk in chunks:
        for record in chunk:
            values = maker.row(record)
            for index, fmt in formats.items():
                if values[index] is not None:
                    cell = WriteOnlyCell(ws, values[index])
                    cell.number_format = fmt
                    values[index] = cell
            ws.append(values)
            count += 1
    wb.save(fileobj)
    return count


def write_csv(entity, columns: list[str], chunks: Iterator[list[dict]], fileobj, encoding: str = "utf-8-sig") -> int:
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="replace", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(header_labels(entity, columns))
    maker = CellMaker(entity, columns, for_xlsx=False)
    count = 0
    for chunk in chunks:
        writer.writerows(maker.row(record) for record in chunk)
        count += len(chunk)
    text.flush()
    text.detach()
    return count


def write(entity, user, request: ExportRequest, fileobj) -> int:
    """Write the export to the binary ``fileobj``; returns the number of records."""
    from core.importexport.formats import hook_writers

    chunks = record_chunks(entity, user, statement(entity, user, request))
    if request.format == "xlsx":
        return write_xlsx(entity, request.columns, chunks, fileobj)
    if request.format == "csv":
        return write_csv(entity, request.columns, chunks, fileobj, request.encoding)
    counter = Counter(chunks)
    hook_writers()[request.format](entity, counter, fileobj)
    return counter.count


class Counter:
    """Feeds a plugin writer record by record, counting them."""

    def __init__(self, chunks: Iterator[list[dict]]):
        self.chunks = chunks
        self.count = 0

    def __iter__(self):
        for chunk in self.chunks:
            for record in chunk:
                self.count += 1
                yield record


def count_rows(entity, user, request: ExportRequest, cap: int) -> int:
    """How many rows the export would have, counting no further than ``cap``."""
    from core.entities.query import capped_count

    stmt = statement(entity, user, request)
    if request.scope == "page":
        return min(request.params.per_page, cap)
    total, _exact = capped_count(session(), stmt, cap)
    return total


MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8", "vcf": "text/vcard"}
