"""재고 초기화: opening balances from an Excel workbook, one posted opening document per warehouse.

The first sheet's first row names the columns, in any of our languages:
product code (or product name), warehouse code (or name), quantity, unit cost
(optional).  Every row is checked first; one bad row refuses the whole file
with the row numbers and nothing is posted.  The caller must keep every
warehouse named (or hold the inventory-admin right).
"""
from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.db import session
from core.entities.query import visible_select
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from plugins.inventory import rights, stock

_, _l = translator("inventory")

HEADERS = {
    "product_code": {"product code", "code", "제품코드", "품번", "产品编码", "品号"},
    "product_name": {"product", "product name", "제품명", "품명", "제품", "产品", "产品名称", "品名"},
    "warehouse": {"warehouse", "warehouse code", "창고", "창고코드", "창고명", "仓库", "仓库编码"},
    "quantity": {"quantity", "qty", "수량", "재고수량", "数量"},
    "unit_cost": {"unit cost", "cost", "단가", "원가", "单价", "成本"},
}
MAX_ROWS = 5000


def column_map(header_row) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header_row):
        text = str(cell or "").strip().lower()
        for name, words in HEADERS.items():
            if text in words and name not in found:
                found[name] = index
    if "quantity" not in found or "warehouse" not in found or not ({"product_code", "product_name"} & set(found)):
        raise ValidationError(_("The first row must name the columns: product code or product name, warehouse, "
                                "quantity (unit cost optional)."))
    return found


def lookups(user) -> tuple[dict, dict, dict]:
    registry = runtime().registry
    p, w = registry.get("products").table, registry.get("warehouses").table
    products = session().execute(visible_select(registry.get("products"), user, p.c.id, p.c.code, p.c.name)).all()
    warehouses = session().execute(visible_select(registry.get("warehouses"), user, w.c.id, w.c.code, w.c.name)
                                   .where(w.c.active.is_(True))).all()
    by_code = {str(r.code).strip().lower(): r.id for r in products if r.code}
    by_name: dict[str, list[int]] = {}
    for r in products:
        by_name.setdefault(str(r.name).strip().lower(), []).append(r.id)
    houses = {}
    for r in warehouses:
        houses[str(r.code).strip().lower()] = r.id
        houses.setdefault(str(r.name).strip().lower(), r.id)
    return by_code, by_name, houses


def read_rows(content: bytes) -> list[tuple]:
    try:  # a damaged file fails while opening or while its sheet is read (XML errors are SyntaxErrors)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 1)) if book.worksheets else []
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, SyntaxError):
        raise ValidationError(_("This is not an Excel workbook (.xlsx)."), {"file": _("Upload an .xlsx file.")}) \
            from None
    if len(rows) < 2:
        raise ValidationError(_("The workbook has no rows below the header."))
    return rows


def import_workbook(content: bytes, user) -> list:
    rights.require_view(user)
    rows = read_rows(content)
    columns = column_map(rows[0])
    by_code, by_name, houses = lookups(user)
    errors: dict[str, str] = {}
    per_warehouse: dict[int, list[dict]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        def cell(name, row=row):
            return row[columns[name]] if name in columns and columns[name] < len(row) else None
        product_id = by_code.get(str(cell("product_code") or "").strip().lower())
        if product_id is None and cell("product_name"):
            named = by_name.get(str(cell("product_name")).strip().lower(), [])
            product_id = named[0] if len(named) == 1 else None
        warehouse_id = houses.get(str(cell("warehouse") or "").strip().lower())
        try:
            quantity = stock.quantity(cell("quantity"), "quantity")
            unit_cost = stock.cost(cell("unit_cost"), "unit_cost")
        except ValidationError as exc:
            errors[_("Row %(n)s", n=number)] = next(iter(exc.fields.values()))
            continue
        if product_id is None:
            errors[_("Row %(n)s", n=number)] = _("No such product (give its code, or a name only one product has).")
        elif warehouse_id is None:
            errors[_("Row %(n)s", n=number)] = _("No such active warehouse.")
        else:
            per_warehouse.setdefault(warehouse_id, []).append(
                {"product_id": product_id, "quantity": str(quantity),
                 "unit_cost": None if unit_cost is None else str(unit_cost)})
    if errors:
        raise ValidationError(_("Nothing was imported: fix these rows and upload the file again."), errors)
    docs = []
    for warehouse_id, lines in sorted(per_warehouse.items()):
        doc = stock.draft("opening", {"warehouse_id": warehouse_id, "lines": lines,
                                      "note": _("Opening balance import")}, user)
        docs.append(stock.post(doc.id, user))
    return docs
