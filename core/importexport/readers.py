"""Reading uploaded files into a header row and numbered data rows.

Built in: xlsx (openpyxl read-only) and csv (encoding detected or chosen,
delimiter sniffed).  Plugins add formats through ``crm_import_formats``
(``{".vcf": reader}``; ``reader(binary_file)`` yields ``{header: value}``).

Every structural problem (not a spreadsheet, empty, a zip bomb, more rows than
allowed) raises :class:`FileRejected` before or while reading; the importer
then writes nothing (or takes back what it wrote).
"""
from __future__ import annotations

import codecs
import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import openpyxl
from flask_babel import gettext as _
from openpyxl.utils.cell import range_boundaries

from core.errors import BadRequest

ZIP_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # an xlsx that inflates beyond 1 GB is refused
MAX_RATIO = 200  # deflate ratio of one xlsx part above which it is treated as a zip bomb
RATIO_MIN_SIZE = 1024 * 1024
DEFAULT_MAX_ROWS = 500_000
ENCODINGS = ("utf-8", "utf-8-sig", "cp949", "euc-kr", "gb18030", "gbk")
SAMPLE_BYTES = 64 * 1024


class FileRejected(BadRequest):
    """The file as a whole cannot be imported (nothing is written)."""

    code = "file_rejected"


@dataclass
class Sheet:
    """A file opened for import: column headers, ``(row_number, cells)`` rows, an estimated total."""

    headers: list[str]
    rows: Iterator[tuple[int, list]]
    total: int | None
    format: str
    encoding: str | None = None
    preview: list | None = None  # the first rows, kept when previewing
    release: Callable[[], None] | None = None  # closes the file even when no row was read

    def close(self) -> None:
        if hasattr(self.rows, "close"):
            self.rows.close()
        if self.release is not None:
            self.release()


def open_sheet(path: Path, file_name: str, *, encoding: str | None = None, delimiter: str | None = None,
               max_rows: int = DEFAULT_MAX_ROWS, extra_readers: dict[str, Callable] | None = None) -> Sheet:
    """Open ``path`` (uploaded as ``file_name``) with the reader its content and extension call for."""
    suffix = Path(file_name).suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if not head.strip():
        raise FileRejected(_("The file is empty."))
    extra = extra_readers or {}
    if suffix in extra:
        return hook_sheet(path, suffix, extra[suffix], max_rows)
    if head.startswith(ZIP_MAGIC):
        return xlsx_sheet(path, max_rows)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise FileRejected(_("This is not an Excel workbook (.xlsx). Save it as .xlsx or CSV and try again."))
    if looks_binary(head):
        raise FileRejected(_("This is not a spreadsheet: use an Excel workbook (.xlsx) or a CSV file."))
    return csv_sheet(path, head, encoding=encoding, delimiter=delimiter, max_rows=max_rows)


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0"))


# --- xlsx --------------------------------------------------------------------

def check_zip(path: Path) -> None:
    """Refuse archives that would inflate to far more than they weigh (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise FileRejected(_("This is not an Excel workbook (.xlsx): the file is damaged.")) from None
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > RATIO_MIN_SIZE and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if total > MAX_UNCOMPRESSED or bomb:
        raise FileRejected(_("The workbook inflates to far more data than its size (a zip bomb?); "
                             "it was not imported."))
    if not any(i.filename.startswith("xl/worksheets/") for i in infos):
        raise FileRejected(_("This is not an Excel workbook (.xlsx): it has no worksheet."))


def xlsx_sheet(path: Path, max_rows: int) -> Sheet:
    check_zip(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        ws = wb.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a damaged or foreign archive
        raise FileRejected(_("This is not an Excel workbook (.xlsx): the file could not be read.")) from None
    declared = declared_rows(ws)
    if declared is not None and declared - 1 > max_rows:
        wb.close()
        raise too_many_rows(max_rows)
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        wb.close()
        raise FileRejected(_("The file is empty."))
    headers = header_names(header)

    def data() -> Iterator[tuple[int, list]]:
        try:
            for number, values in enumerate(rows, start=2):
                if number - 1 > max_rows:
                    raise too_many_rows(max_rows)
                if any(v is not None and v != "" for v in values):
                    yield number, list(values)
        finally:
            wb.close()

    return Sheet(headers, data(), None if declared is None else declared - 1, "xlsx", release=wb.close)


def declared_rows(ws) -> int | None:
    """The row count the sheet's ``<dimension>`` claims (None when it does not say)."""
    try:
        dims = ws.calculate_dimension()
    except ValueError:
        return None

    try:
        return range_boundaries(dims)[3]
    except (ValueError, TypeError):
        return None


def too_many_rows(max_rows: int) -> FileRejected:
    return FileRejected(_("The file has more than %(n)s rows; split it into smaller files.", n=f"{max_rows:,}"))


def header_names(cells) -> list[str]:
    names = ["" if c is None else str(c).strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    if not any(names):
        raise FileRejected(_("The first row must hold the column names, but it is empty."))
    return names


# --- csv ---------------------------------------------------------------------

def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes; else CP949 for Korean text, GB18030 for Chinese."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = codecs.getincrementaldecoder("cp949")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")
    hanzi = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return "cp949" if hangul >= 2 * hanzi else "gb18030"


def csv_sheet(path: Path, head: bytes, *, encoding: str | None, delimiter: str | None, max_rows: int) -> Sheet:
    if encoding is not None and normal_encoding(encoding) is None:
        raise BadRequest(_("Unknown encoding %(name)s; use one of: %(names)s.", name=encoding,
                           names=", ".join(ENCODINGS)), {"encoding": _("Unknown encoding.")})
    if delimiter is not None and len(delimiter) != 1:
        raise BadRequest(_("The delimiter is one character, such as , or ; or a tab."),
                         {"delimiter": _("One character.")})
    chosen = normal_encoding(encoding) if encoding else detect_encoding(head)
    try:
        sample = codecs.getincrementaldecoder(chosen)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError:
        raise FileRejected(_("The file is not valid %(encoding)s text; choose its encoding.",
                             encoding=chosen)) from None
    sample = sample.lstrip("\ufeff")
    dialect_delimiter = delimiter or sniff_delimiter(sample)
    fh = open(path, "r", encoding=chosen, newline="", errors="strict")
    reader = csv.reader(fh, delimiter=dialect_delimiter)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error):
        fh.close()
        raise FileRejected(_("The file is not valid %(encoding)s text; choose its encoding.",
                             encoding=chosen)) from None
    if header is None:
        fh.close()
        raise FileRejected(_("The file is empty."))
    headers = header_names(header)
    total = max(count_lines(path) - 1, 0)
    if total > max_rows * 2:  # quoted line breaks may double a count, never more
        fh.close()
        raise too_many_rows(max_rows)

    def data() -> Iterator[tuple[int, list]]:
        try:
            number = 1
            for values in reader:
                number += 1
                if number - 1 > max_rows:
                    raise too_many_rows(max_rows)
                if any(v.strip() for v in values):
                    yield number, values
        except UnicodeDecodeError:
            raise FileRejected(_("The file is not valid %(encoding)s text after row %(row)s; choose its "
                                 "encoding.", encoding=chosen, row=number)) from None
        except csv.Error as exc:
            raise FileRejected(_("Row %(row)s is not valid CSV: %(reason)s", row=number, reason=str(exc))) from None
        finally:
            fh.close()

    return Sheet(headers, data(), total, "csv", chosen, release=fh.close)


def normal_encoding(name: str) -> str | None:
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    known = {codecs.lookup(e).name: e for e in ENCODINGS}
    return known.get(canonical)


def sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (0 if last == b"\n" else 1)


# --- formats contributed by plugins -----------------------------------------

def hook_sheet(path: Path, suffix: str, reader: Callable, max_rows: int) -> Sheet:
    """Adapt a plugin reader (``{header: value}`` dicts) to a :class:`Sheet`.

    Items may differ in their keys (a vCard without an email), so they are read
    up front and the headers are the union; such files are small.
    """
    items: list[dict] = []
    try:
        with open(path, "rb") as fh:
            for item in reader(fh):
                items.append(item)
                if len(items) > max_rows:
                    raise too_many_rows(max_rows)
    except FileRejected:
        raise
    except Exception as exc:  # a plugin reader's own parse error, shown to the user
        raise FileRejected(_("The file could not be read as %(format)s: %(reason)s", format=suffix,
                             reason=str(exc))) from None
    if not items:
        raise FileRejected(_("The file is empty."))
    headers = list(dict.fromkeys(key for item in items for key in item))
    rows = ((number, [item.get(h) for h in headers]) for number, item in enumerate(items, start=1))
    return Sheet(headers, rows, len(items), suffix.lstrip("."))
