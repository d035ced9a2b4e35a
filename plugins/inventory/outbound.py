"""Outbound orders from sales orders (아웃바운드 주문 자동 생성 / 출고 지시).

"Create outbound order" on a confirmed sales order drafts an issue with the
order's lines that still need stock: item lines of products kept in stock,
with what remains to ship less what other outbound orders already hold.  An
order may have several outbound orders and each may ship less than drafted
(partial shipments).  When the warehouse's keeper posts one, each line's
shipped quantity is recorded on the sales order through
:func:`plugins.quotes.orders.record_shipment`, in the same transaction, as the
user who created the outbound order (the order's editor; the keeper usually
cannot see the sales rep's orders).  A posted outbound order is not cancelled
(the order's shipped quantities do not go back): take the goods back with a
customer return.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core.db import session
from core.entities import records
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.security.models import User
from core.security.permissions import require_right
from plugins.inventory import product_stock, rights, stock
from plugins.inventory.models import DocumentLine, StockDocument
from plugins.quotes import orders

_, _l = translator("inventory")

SHIPPABLE = ("open", "partially_shipped")


def entity(name: str):
    return runtime().registry.get(name)


def pending_quantities(order_id: int) -> dict[int, Decimal]:
    rows = session().execute(sa.select(DocumentLine.source_line_id, sa.func.sum(DocumentLine.quantity))
                             .join(StockDocument, StockDocument.id == DocumentLine.document_id)
                             .where(StockDocument.source == "sales_order", StockDocument.source_id == order_id,
                                    StockDocument.status == "draft")
                             .group_by(DocumentLine.source_line_id)).all()
    return {line_id: Decimal(q) for line_id, q in rows}


def needing_stock(order_id: int) -> list[dict]:
    """The order's item lines of stock-kept products with something left to ship (not yet drafted)."""
    lines = entity("sales_order_lines").table
    rows = session().execute(sa.select(lines.c.id, lines.c.product_id, lines.c.remaining_quantity)
                             .where(lines.c.order_id == order_id, lines.c.deleted_at.is_(None),
                                    lines.c.kind == "item", lines.c.product_id.is_not(None))
                             .order_by(lines.c.position, lines.c.id)).all()
    pending = pending_quantities(order_id)
    out = []
    for line_id, product_id, remaining in rows:
        left = Decimal(remaining or 0) - pending.get(line_id, Decimal(0))
        if left > 0 and product_stock.tracked(product_id):
            out.append({"product_id": product_id, "quantity": str(left), "source_line_id": line_id})
    return out


def create(order_id: int, warehouse_id, user) -> StockDocument:
    """Draft the outbound order; the user must be able to edit the sales order."""
    rights.require_view(user)
    sales_orders = entity("sales_orders")
    order = records.get(sales_orders, order_id, user)
    require_right(user, sales_orders, "edit", order)
    if order["status"] not in SHIPPABLE:
        raise ValidationError(_("Only a confirmed order that is not fully shipped can ship goods."))
    lines = needing_stock(order_id)
    if not lines:
        raise ValidationError(_("No line of this order needs stock any more."))
    data = {"warehouse_id": warehouse_id, "account_id": order["account_id"], "lines": lines, "note": order["number"]}
    return stock.draft("issue", data, user, source="sales_order", source_id=order_id, check_keeper=False)


def shipped(doc: StockDocument, lines: list[DocumentLine], user) -> None:
    """The outbound order was posted: record each line's shipment on the sales order."""
    requester = session().get(User, doc.created_by_id) if doc.created_by_id else None
    for line in lines:
        if line.source_line_id is not None and line.quantity > 0:
            orders.record_shipment(line.source_line_id, line.quantity, requester or user)


def refuse_cancel(doc: StockDocument, lines: list[DocumentLine], user) -> None:
    raise ValidationError(_("A posted outbound order is not cancelled: its goods were shipped on the sales order. "
                            "Record a customer return instead."))
