"""Purchasing (조달): purchase orders to suppliers, their receipts, supplier prices, the cost-review flag.

Status: ``draft`` (lines editable) → ``ordered`` → ``partially_received`` →
``received``, or ``cancelled``.  Receiving drafts a receipt into a warehouse
(:func:`receive`, the purchasing right); the warehouse's keeper confirms it by
posting it (:func:`plugins.inventory.stock.post`), which calls :func:`received`:
the lines' received quantities and the order's status follow, and a product
bought at a cost other than its 원가 is flagged "cost review needed"
(원가 가격 조정이 필요한 제품).  Status changes and received quantities are
written only by these services (``core.entities.handover``).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import render_template
from flask_babel import get_locale
from openpyxl import Workbook
from openpyxl.styles import Font

from core.db import session
from core.documents import format_amounts, pdf, safe_cell, workbook_bytes
from core.entities import handover, records
from core.entities.display import display_values
from core.entities.query import visible_select
from core.errors import NotFound, ValidationError
from core.i18n import local_today
from core.money import currency
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields, strip_hidden
from core.security.permissions import require_right
from plugins.inventory import product_stock, rights, stock
from plugins.inventory.models import DocumentLine, StockDocument
from plugins.quotes import settings as quote_settings

_, _l = translator("inventory")

OPEN = ("ordered", "partially_received")
PO_CSS = Path(__file__).parent / "static" / "purchase_order.css"


def entity(name: str):
    return runtime().registry.get(name)


def invalid(fields: dict) -> ValidationError:
    return ValidationError(_("Some fields are not valid."), fields)


def as_json(record: dict) -> dict:
    ent = entity("purchase_orders")
    return strip_hidden(records.to_json(ent, record), hidden_fields(ent, current_user_or_none()))


# --- saves (crm_before_save) ------------------------------------------------------------

def before_save(values: dict, old: dict | None, user) -> None:
    if old is None:
        values["status"] = "draft"
        values["order_date"] = values.get("order_date") or local_today()
    if handover.is_allowed("inventory.po_status"):
        values.update(handover.handed("inventory.po_status"))
    elif old is not None and old["status"] != "draft":
        changed = {k for k in ("supplier_id", "order_date") if values.get(k) != old.get(k)}
        if changed:
            raise invalid({k: _("The purchase order is placed; this cannot change.") for k in changed})
    if old is None or values.get("supplier_id") != old.get("supplier_id"):
        supplier = records.fetch(entity("accounts"), values["supplier_id"]) if values.get("supplier_id") else None
        if supplier is not None and not supplier.get("is_supplier"):
            raise invalid({"supplier_id": _("%(name)s is not marked as a supplier.", name=supplier["name"])})
    values["total"] = order_total(values["id"]) if old is not None else Decimal(0)


def before_line_save(values: dict, old: dict | None, user) -> None:
    if old is not None and values["order_id"] != old["order_id"]:
        raise invalid({"order_id": _("A line cannot move to another document.")})
    received = handover.handed("inventory.received")
    if received:
        values["received_quantity"] = received["quantity"]
    else:
        order = editable_order(values["order_id"], user)
        if order["status"] != "draft":
            raise ValidationError(_("The purchase order is placed; its lines cannot change."))
        values["received_quantity"] = old["received_quantity"] if old else Decimal(0)
    values["line_total"] = (Decimal(values["quantity"]) * Decimal(values["unit_price"])).quantize(Decimal("0.01"))


def editable_order(order_id: int, user) -> dict:
    orders = entity("purchase_orders")
    try:
        order = records.get(orders, order_id, user)
    except NotFound:
        raise invalid({"order_id": _("No such record, or you cannot see it.")}) from None
    require_right(user, orders, "edit", order)
    return order


def refuse_line_removal(record: dict, user) -> None:
    order = records.fetch(entity("purchase_orders"), record["order_id"])
    if order is not None and order["status"] != "draft":
        raise ValidationError(_("The purchase order is placed; its lines cannot change."))


def order_total(order_id: int) -> Decimal:
    t = entity("purchase_order_lines").table
    return Decimal(session().scalar(sa.select(sa.func.coalesce(sa.func.sum(t.c.line_total), 0))
                                    .where(t.c.order_id == order_id, t.c.deleted_at.is_(None))))


def refresh(order_id: int, user, **status) -> dict:
    """Save the order again (its total follows its lines); ``status`` hands over a new status."""
    with handover.allowed("inventory.po_status", **status):
        return records.update(entity("purchase_orders"), order_id, {}, user, check_rights=False)


def live_lines(order_id: int) -> list[dict]:
    ent = entity("purchase_order_lines")
    t = ent.table
    rows = session().execute(sa.select(t).where(t.c.order_id == order_id, t.c.deleted_at.is_(None))
                             .order_by(t.c.id)).all()
    fields = records.entity_fields(ent)
    return [records.row_to_record(ent, row, fields) for row in rows]


# --- operations --------------------------------------------------------------------------

def visible(order_id: int, user) -> dict:
    orders = entity("purchase_orders")
    require_right(user, orders, "view")
    return records.get(orders, order_id, user)


def place(order_id: int, user) -> dict:
    """draft → ordered (발주): needs lines."""
    order = visible(order_id, user)
    require_right(user, entity("purchase_orders"), "edit", order)
    if order["status"] != "draft":
        raise ValidationError(_("Only a draft purchase order can be placed."))
    if not live_lines(order_id):
        raise ValidationError(_("Add the order's lines before placing it."))
    return refresh(order_id, user, status="ordered")


def pending_quantities(order_id: int) -> dict[int, Decimal]:
    """Per order line, what draft receipts already hold (so a second receipt does not repeat it)."""
    rows = session().execute(sa.select(DocumentLine.source_line_id, sa.func.sum(DocumentLine.quantity))
                             .join(StockDocument, StockDocument.id == DocumentLine.document_id)
                             .where(StockDocument.source == "purchase_order", StockDocument.source_id == order_id,
                                    StockDocument.status == "draft")
                             .group_by(DocumentLine.source_line_id)).all()
    return {line_id: Decimal(q) for line_id, q in rows}


def receive(order_id: int, user, warehouse_id=None, quantities=None) -> StockDocument:
    """Draft the receipt (구매 입고) of what remains, or of ``quantities`` per line, into a warehouse."""
    order = visible(order_id, user)
    require_right(user, entity("purchase_orders"), "edit", order)
    if order["status"] not in OPEN:
        raise ValidationError(_("Only a placed purchase order that is not fully received can be received."))
    if quantities is not None and not isinstance(quantities, dict):
        raise invalid({"quantities": _("Give the quantities per line.")})
    pending = pending_quantities(order_id)
    lines = []
    for line in live_lines(order_id):
        remaining = line["quantity"] - line["received_quantity"] - pending.get(line["id"], Decimal(0))
        wanted = remaining
        if quantities is not None:
            raw = quantities.get(str(line["id"]))
            if raw is None:
                continue
            wanted = stock.quantity(raw, f"quantities.{line['id']}", allow_zero=True)
            if wanted > remaining:
                raise invalid({f"quantities.{line['id']}": _("At most the remaining %(n)s.", n=remaining)})
        if wanted > 0:
            lines.append({"product_id": line["product_id"], "quantity": str(wanted),
                          "unit_cost": str(line["unit_price"]), "source_line_id": line["id"]})
    if not lines:
        raise ValidationError(_("Nothing remains to be received on this purchase order."))
    data = {"warehouse_id": warehouse_id or order["warehouse_id"], "account_id": order["supplier_id"],
            "lines": lines, "note": order["number"]}
    return stock.draft("receipt", data, user, source="purchase_order", source_id=order_id, check_keeper=False)


def received(doc: StockDocument, lines: list[DocumentLine], user, sign: int = 1) -> None:
    """A receipt of the order was posted (``sign`` -1: cancelled): received quantities, status, costs."""
    po_lines = entity("purchase_order_lines")
    for line in lines:
        if line.source_line_id is None:
            continue
        current = records.fetch(po_lines, line.source_line_id, for_update=True)
        if current is None:
            continue
        with handover.allowed("inventory.received", quantity=current["received_quantity"] + sign * line.quantity):
            records.update(po_lines, current["id"], {}, user, check_rights=False)
        if sign > 0 and line.unit_cost is not None:
            product_stock.bought(line.product_id, line.unit_cost)
    refresh(doc.source_id, user, status=receiving_status(doc.source_id))


def receiving_status(order_id: int) -> str:
    lines = live_lines(order_id)
    got = sum((ln["received_quantity"] for ln in lines), Decimal(0))
    if got and all(ln["received_quantity"] >= ln["quantity"] for ln in lines):
        return "received"
    return "partially_received" if got else "ordered"


def receipt_cancelled(doc: StockDocument, lines: list[DocumentLine], user) -> None:
    received(doc, lines, user, sign=-1)


def cancel(order_id: int, user) -> dict:
    """Cancel an order: a draft by its editors, a placed one by the cancel right; never once goods came in."""
    order = visible(order_id, user)
    if order["status"] == "cancelled":
        return order
    if order["status"] != "draft":
        rights.require_cancel(user)
    elif not rights.can_cancel(user):
        require_right(user, entity("purchase_orders"), "edit", order)
    if any(ln["received_quantity"] > 0 for ln in live_lines(order_id)):
        raise ValidationError(_("Goods of this purchase order were received; cancel its receipts first."))
    if pending_quantities(order_id):
        raise ValidationError(_("A receipt of this purchase order awaits its keeper; cancel it first."))
    return refresh(order_id, user, status="cancelled")


def price_history(user, product_id: int, supplier_id: int | None = None, limit: int = 50) -> list[dict]:
    """구매 발주 상세내역: a product's prices on purchase orders (of one supplier, or all), newest first."""
    rights.require_view(user)
    pos = entity("purchase_orders")
    po, pl, a = pos.table, entity("purchase_order_lines").table, entity("accounts").table
    stmt = (visible_select(pos, user, po.c.id, po.c.number, po.c.order_date, po.c.status, a.c.id.label("supplier_id"),
                           a.c.name.label("supplier"), pl.c.quantity, pl.c.unit_price)
            .join(pl, pl.c.order_id == po.c.id).join(a, a.c.id == po.c.supplier_id)
            .where(pl.c.product_id == product_id, pl.c.deleted_at.is_(None), po.c.status != "cancelled"))
    if supplier_id is not None:
        stmt = stmt.where(po.c.supplier_id == supplier_id)
    rows = session().execute(stmt.order_by(po.c.order_date.desc(), po.c.id.desc()).limit(limit)).all()
    return [{"order_id": r.id, "number": r.number, "order_date": r.order_date, "status": r.status,
             "supplier_id": r.supplier_id, "supplier": r.supplier, "quantity": r.quantity,
             "unit_price": r.unit_price} for r in rows]


# --- output (print view, PDF, xlsx through core.documents) ----------------------------

def print_context(order: dict, user) -> dict:
    ent = entity("purchase_orders")
    lines = live_lines(order["id"])
    products = {p["id"]: p for p in (records.fetch(entity("products"), ln["product_id"]) for ln in lines) if p}
    warehouse = records.fetch(entity("warehouses"), order["warehouse_id"]) if order["warehouse_id"] else None
    return {"order": order, "display": display_values(ent, [order], user)[0], "lines": lines,
            "products": products, "supplier": records.fetch(entity("accounts"), order["supplier_id"]),
            "warehouse": warehouse, "company": quote_settings.company(), "currency": currency(),
            "lang": str(get_locale() or "ko").replace("_", "-")}


def render_html(order: dict, user, *, for_pdf: bool = False) -> str:
    return render_template("inventory/purchase_order_print.html", for_pdf=for_pdf, **print_context(order, user))


def render_pdf(order: dict, user) -> bytes:
    return pdf(render_html(order, user, for_pdf=True), PO_CSS)


def render_xlsx(order: dict, user) -> bytes:
    ctx = print_context(order, user)
    wb = Workbook()
    ws = wb.active
    ws.title = order["number"] or "PO"
    ws.append([_("Purchase order")])
    ws["A1"].font = Font(size=16, bold=True)
    facts = [(_("Purchase order number"), order["number"]), (_("Order date"), order["order_date"]),
             (_("Supplier"), ctx["supplier"]["name"] if ctx["supplier"] else ""),
             (_("Receiving warehouse"), ctx["warehouse"]["name"] if ctx["warehouse"] else ""),
             (_("Expected delivery"), order["expected_date"]), (_("Buyer"), ctx["company"]["name"]),
             (_("Total amount"), order["total"])]
    for label, value in facts:
        ws.append([label, safe_cell(value)])
    ws.append([])
    ws.append([_("No."), _("Product code"), _("Product name"), _("Model"), _("Quantity"), _("Unit price"),
               _("Amount"), _("Note")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for n, line in enumerate(ctx["lines"], start=1):
        product = ctx["products"].get(line["product_id"], {})
        ws.append([n, safe_cell(product.get("code")), safe_cell(product.get("name")), safe_cell(product.get("model")),
                   line["quantity"], line["unit_price"], line["line_total"], safe_cell(line["note"])])
    ws.append(["", "", _("Total"), "", None, None, order["total"]])
    format_amounts(ws)
    ws.column_dimensions["C"].width = 32
    return workbook_bytes(wb)
