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
import io
from dataclasses import dataclass
from typing import Iterator

import sqlalchemy as sa
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from werkzeug.datastructures import MultiDict

from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.entities.fields import Field
from core.entities.query import (ListParams, all_fields, apply_params, order_by, parse_list_args, visible_fields,
                                 visible_select)
from core.entities.query import capped_count
from core.errors import BadRequest
from core.i18n import current_language, deployment_tz
from core.importexport.formats import export_formats, hook_writers
from core.money import places
from core.runtime import runtime
from core.security.fields import hidden_fields, strip_hidden

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
    if fmt not in export_formats(entity.name):
        errors["format"] = format_error(entity, fmt)
    encoding = CSV_ENCODINGS.get((args.get("encoding") or "utf-8").lower())
    if encoding is None:
        errors["encoding"] = _("Use one of: %(names)s.", names=", ".join(sorted(CSV_ENCODINGS)))
    list_args = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in EXPORT_PARAMS | {"fields"}])
    columns = choose_columns(entity, user, args.get("fields"), errors)
    if errors:
        message = errors["format"] if list(errors) == ["format"] else _("Invalid export parameters.")
        raise BadRequest(message, errors)
    return ExportRequest(scope, ids, parse_list_args(entity, list_args, user), columns, fmt, encoding or "utf-8-sig")


def format_error(entity, fmt: str) -> str:
    """Why ``fmt`` is refused for ``entity``: unknown, or a plugin's format for other entities."""
    usable = _("Use one of: %(formats)s.", formats=", ".join(export_formats(entity.name)))
    if fmt not in export_formats():
        return usable
    refused = _("%(entity)s cannot be exported as %(format)s.", entity=str(entity.label), format=fmt)
    return refused + " " + usable


def default_columns(entity) -> list[str]:
    """Number, every field (built-in and custom) and the owner: what a re-import needs."""
    names = ["number"] if entity.numbering else []
    names += [f.name for f in runtime().registry.fields(entity)]
    if entity.owned:
        names.append("owner_id")
    return names


def choose_columns(entity, user, raw: str | None, errors: dict) -> list[str]:
    fields = visible_fields(entity, user)
    if not raw:
        return [n for n in default_columns(entity) if n in fields]
    names = [n.strip() for n in raw.split(",") if n.strip()]
    bad = [n for n in names if n not in fields]
    if bad:
        valid = ", ".join(fields)
        errors["fields"] = f'{_("Unknown field %(name)s.", name=", ".join(bad))} {_("Use one of: %(names)s.", names=valid)}'
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
    """The columns' labels, formula-neutralised like the cells (an administrator names custom fields)."""
    fields = all_fields(entity)
    return [neutralise(str(fields[name].display_label()) if name in fields else name) for name in columns]


def record_chunks(entity, user, stmt: sa.Select, columns: list[str] | None = None) -> Iterator[list[dict]]:
    """Visible records in chunks, each record with ``_display`` (titles, names, labels).

    Given ``columns`` (a sheet's), only those are read and the records hold just
    them; a whole record would decode every column (timestamps, the
    custom-field JSON) for nothing.
    """
    if columns is None:
        fields = runtime().registry.fields(entity)

        def make_record(row) -> dict:
            return records.row_to_record(entity, row, fields)
    else:
        stmt, make_record = narrowed(entity, stmt, columns)
    hidden = hidden_fields(entity, user)
    result = session().execute(stmt.execution_options(yield_per=CHUNK))
    for part in result.partitions():
        chunk = [make_record(row) for row in part]
        for record, display in zip(chunk, display_values(entity, chunk, user)):
            record["_display"] = display
            strip_hidden(record, hidden)
        yield chunk


def narrowed(entity, stmt: sa.Select, columns: list[str]):
    """``stmt`` reading only the id and ``columns``, and the record made of one of its rows."""
    table = entity.table
    fields = all_fields(entity)
    custom = [fields[name] for name in columns if name in fields and fields[name].custom]
    plain = [name for name in dict.fromkeys(["id", *columns]) if name in table.c]  # custom fields live in JSON
    read = [table.c[name] for name in plain] + ([table.c.custom] if custom else [])

    def make_record(row) -> dict:
        record = dict(zip(plain, row))
        if custom:
            stored = row[-1] or {}
            for f in custom:
                record[f.name] = records.custom_from_storage(f, stored.get(f.name))
        return record

    return stmt.with_only_columns(*read), make_record


class CellMaker:
    """Turns records into sheet rows: one converter per column, chosen once from the field's type."""

    def __init__(self, entity, columns: list[str], for_xlsx: bool):
        fields = all_fields(entity)
        self.for_xlsx = for_xlsx
        self.tz = deployment_tz()
        self.yes, self.no = YES_NO.get(current_language(), YES_NO["en"])
        self.converters = [(name, self.converter(fields.get(name))) for name in columns]

    def row(self, record: dict) -> list:
        display = record.get("_display") or {}
        return [None if (value := record.get(name)) is None or value == [] else convert(value, display.get(name))
                for name, convert in self.converters]

    def converter(self, f: Field | None):
        """``convert(value, display)`` for the column of ``f`` (``value`` is never empty)."""
        xlsx = self.for_xlsx
        if f is None:
            return lambda value, shown: None
        if f.type == "reference":
            return lambda value, shown: neutralise(shown)
        if f.type in ("user", "picklist"):
            return lambda value, shown: neutralise(str(shown or value))
        if f.type == "multipicklist":
            return lambda value, shown: neutralise("; ".join(shown or value))
        if f.type == "datetime":
            tz = self.tz
            if xlsx:
                return lambda value, shown: value.astimezone(tz).replace(tzinfo=None)
            return lambda value, shown: value.astimezone(tz).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
        if f.type == "date":
            return (lambda value, shown: value) if xlsx else (lambda value, shown: value.isoformat())
        if f.type == "boolean":
            yes, no = self.yes, self.no
            return (lambda value, shown: value) if xlsx else (lambda value, shown: yes if value else no)
        if f.kind.name in ("decimal", "money", "percent"):
            return (lambda value, shown: value) if xlsx else (lambda value, shown: format(value, "f"))
        if f.kind.name in ("integer",):
            return lambda value, shown: value
        return lambda value, shown: neutralise(value) if isinstance(value, str) else value


def neutralise(text):
    """A leading apostrophe for text a spreadsheet would treat as a formula; control characters that
    spreadsheets cannot hold (openpyxl refuses them) are dropped."""
    if not isinstance(text, str):
        return text
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def number_formats(entity, columns: list[str]) -> dict[int, str]:
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
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(entity.label)[:31] or entity.name)
    ws.append(header_labels(entity, columns))
    maker = CellMaker(entity, columns, for_xlsx=True)
    styled = {}  # one formatted cell per column, refilled row after row (append writes the row at once)
    for index, fmt in number_formats(entity, columns).items():
        styled[index] = WriteOnlyCell(ws)
        styled[index].number_format = fmt
    count = 0
    for chunk in chunks:
        for record in chunk:
            values = maker.row(record)
            for index, cell in styled.items():
                if values[index] is not None:
                    cell.value = values[index]
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
    stmt = statement(entity, user, request)
    if request.format == "xlsx":
        return write_xlsx(entity, request.columns, record_chunks(entity, user, stmt, request.columns), fileobj)
    if request.format == "csv":
        return write_csv(entity, request.columns, record_chunks(entity, user, stmt, request.columns), fileobj,
                         request.encoding)
    counter = Counter(record_chunks(entity, user, stmt))  # plugin writers get whole records
    hook_writers()[request.format].writer(entity, counter, fileobj)
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
    stmt = statement(entity, user, request)
    if request.scope == "page":
        return min(request.params.per_page, cap)
    total, _exact = capped_count(session(), stmt, cap)
    return total


MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8", "vcf": "text/vcard",
        "pdf.zip": "application/zip"}
