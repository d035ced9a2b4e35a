"""Sales orders (판매 주문 / 销售订单): from an accepted quote or direct, credit control, shipments.

Order status: ``draft`` (미확정) until confirmed, then ``open`` → ``partially_shipped``
→ ``shipped``, or ``cancelled``.  Payment status follows ``paid_amount``.

**Credit control** (U8 信用控制): confirming an order locks the account's row
(``SELECT ... FOR UPDATE``; on SQLite every write transaction is already
exclusive), then compares the account's *exposure* - the unpaid part
(total − paid amount) of its confirmed, not cancelled orders - plus this order
against the account's credit limit.  Over the limit the confirmation is
refused naming both figures, unless a user holding the ``override_credit``
right (roles listed in the ``quote_override_roles`` picklist, and
administrators) confirms with a reason, which is stored on the order and so
in its history.  An account without a credit limit is not checked.

**For inventory**: each order line has ``product_id``, ``quantity`` (ordered),
``shipped_quantity`` and ``remaining_quantity``; :func:`record_shipment` is the
one service that ships (part of) a line and moves the order's status.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities import handover, picklists, records
from core.errors import CRMError, Forbidden, NotFound, ValidationError
from core.i18n import local_today
from core.money import round_money
from core.plugin_api import translator
from core.runtime import runtime
from core.security.permissions import require_right
from plugins.quotes import documents
from plugins.quotes.documents import entity, invalid
from plugins.quotes.picklists import OVERRIDE_ROLES

_, _l = translator("quotes")

CONFIRMED = ("open", "partially_shipped", "shipped")


class CreditLimitExceeded(CRMError):
    """422 ``credit_limit``: the order would take the account over its credit limit."""

    status = 422
    code = "credit_limit"


def has_override_right(user) -> bool:
    """The ``override_credit`` right: administrators and the roles in the ``quote_override_roles`` picklist."""
    if user is None:
        return False
    if getattr(user, "is_admin", False):
        return True
    from core.security.models import Role

    role = session().get(Role, user.role_id) if getattr(user, "role_id", None) is not None else None
    return role is not None and role.name in picklists.active_values(OVERRIDE_ROLES)


# --- saves (crm_before_save / crm_after_save) ------------------------------------

def before_save(values: dict, old: dict | None, user) -> None:
    if old is None:
        from_quote(values, user)
        values["status"] = "draft"
        values["order_date"] = values.get("order_date") or local_today()
    elif values.get("quote_id") != old.get("quote_id"):
        raise invalid({"quote_id": _("An order's quote cannot change.")})
    if handover.is_allowed("order_status"):
        values.update(handover.handed("order_status"))
    if old is not None and old["status"] != "draft" and values["account_id"] != old["account_id"]:
        raise invalid({"account_id": _("A confirmed order's account cannot change.")})
    documents.apply_totals("sales_order_lines", values, old)
    if values["status"] in CONFIRMED:
        values["status"] = shipping_status(values, old)
    values["paid_amount"] = round_money(values.get("paid_amount") or 0)
    values["payment_status"] = payment_status(values["paid_amount"], values["total"])


def shipping_status(values: dict, old: dict | None) -> str:
    """``open``, ``partially_shipped`` or ``shipped`` from the lines' shipped and remaining quantities."""
    if old is None:
        return values["status"]
    t = entity("sales_order_lines").table
    row = session().execute(sa.select(sa.func.sum(t.c.shipped_quantity), sa.func.sum(t.c.remaining_quantity))
                            .where(t.c.order_id == values["id"], t.c.deleted_at.is_(None), t.c.kind == "item")).one()
    shipped, remaining = Decimal(row[0] or 0), Decimal(row[1] or 0)
    if shipped and not remaining:
        return "shipped"
    return "partially_shipped" if shipped else "open"


def payment_status(paid: Decimal, total: Decimal) -> str:
    if paid <= 0:
        return "unpaid"
    return "paid" if paid >= total else "partially_paid"


def from_quote(values: dict, user) -> None:
    """An order made from a quote takes its account, contact, opportunity and title; the quote must be accepted."""
    quote_id = values.get("quote_id")
    if quote_id is None:
        return
    try:
        quote = records.get(entity("quotes"), quote_id, user)
    except NotFound:
        raise invalid({"quote_id": _("No such record, or you cannot see it.")}) from None
    if quote["status"] != "accepted":
        raise invalid({"quote_id": _("Only an accepted quote becomes a sales order.")})
    for name in ("account_id", "contact_id", "opportunity_id", "delivery_site", "payment_terms"):
        values[name] = values.get(name) or quote[name]
    if values["account_id"] != quote["account_id"]:
        raise invalid({"account_id": _("The order is for the quote's account.")})
    values["title"] = values.get("title") or quote["title"]


def after_save(record: dict, old: dict | None, user) -> None:
    """A new order wins its opportunity (once: the contract hook leaves a won deal as it is)."""
    if old is None and record["opportunity_id"] is not None:
        runtime().hook.crm_contract_added(opportunity_id=record["opportunity_id"],
                                          contract={"number": record["number"], "title": record["title"]}, user=user)


def before_line_save(values: dict, old: dict | None, user) -> None:
    order = documents.parent_for_edit("sales_order_lines", values, user)
    shipment = handover.handed("shipment")
    if shipment:
        values["shipped_quantity"] = shipment["shipped"]
    elif order["status"] != "draft":
        raise ValidationError(_("The order is confirmed; its lines cannot change."))
    documents.compute_line("sales_order_lines", values, old)
    if values["kind"] == "item":
        values["shipped_quantity"] = values.get("shipped_quantity") or Decimal(0)
        values["remaining_quantity"] = values["quantity"] - values["shipped_quantity"]
    else:
        values["shipped_quantity"] = values["remaining_quantity"] = None


def refuse_line_removal(record: dict, user) -> None:
    order = records.fetch(entity("sales_orders"), record["order_id"])
    if order is not None and order["status"] != "draft":
        raise ValidationError(_("The order is confirmed; its lines cannot change."))


# --- operations -------------------------------------------------------------------

def create_from_quote(quote_id: int, user, data: dict | None = None) -> dict:
    """The one order of an accepted quote, with a copy of its lines (바로 주문처리)."""
    orders = entity("sales_orders")
    require_right(user, orders, "create")
    quote = records.get(entity("quotes"), quote_id, user)  # 404 unless the user sees the quote
    t = orders.table
    if session().scalar(sa.select(t.c.number).where(t.c.quote_id == quote_id, t.c.deleted_at.is_(None))):
        raise ValidationError(_("This quote already has a sales order."), {"quote_id": _("One order per quote.")})
    body = {"title": quote["title"], "account_id": quote["account_id"], **(data or {}), "quote_id": quote_id}
    order = records.create(orders, body, user)
    lines = entity("sales_order_lines")
    for line in documents.live_lines("quote_lines", quote_id):
        copy = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in line.items()
                if k in ("position", "kind", "product_id", "item_code", "name", "specification", "unit", "quantity",
                         "unit_price", "discount", "vat_rate", "note") and v is not None}
        records.create(lines, {**copy, "order_id": order["id"]}, user)
    return records.fetch(orders, order["id"])


def exposure(account_id: int, excluding: int | None = None) -> Decimal:
    """The unpaid total of the account's confirmed, not cancelled orders."""
    t = entity("sales_orders").table
    stmt = sa.select(sa.func.coalesce(sa.func.sum(t.c.total - sa.func.coalesce(t.c.paid_amount, 0)), 0)).where(
        t.c.account_id == account_id, t.c.status.in_(CONFIRMED), t.c.deleted_at.is_(None))
    if excluding is not None:
        stmt = stmt.where(t.c.id != excluding)
    return Decimal(session().scalar(stmt))


def confirm(order_id: int, user, override_reason: str | None = None) -> dict:
    """Confirm an order after the credit check (see the module docstring)."""
    orders = entity("sales_orders")
    order = records.get(orders, order_id, user)
    require_right(user, orders, "edit", order)
    if order["status"] != "draft":
        raise ValidationError(_("This order is already confirmed or cancelled."))
    if not documents.live_lines("sales_order_lines", order_id):
        raise ValidationError(_("Add the order's lines before confirming it."))
    account = records.fetch(entity("accounts"), order["account_id"], for_update=True)
    order = records.fetch(orders, order_id, for_update=True)
    if order["status"] != "draft":
        raise ValidationError(_("This order is already confirmed or cancelled."))
    limit = account["credit_limit"]
    changes = {"status": "open", "confirmed_at": clock.now()}
    if limit is not None:
        used = exposure(account["id"], excluding=order_id)
        unpaid = order["total"] - (order["paid_amount"] or 0)
        if used + unpaid > limit:
            changes["credit_override_reason"] = credit_override(user, override_reason, limit, used, unpaid)
    with handover.allowed("order_status", **changes):
        return records.update(orders, order_id, {}, user, check_rights=False, expected_version=order["version"])


def money_text(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"


def credit_override(user, reason, limit: Decimal, used: Decimal, unpaid: Decimal) -> str:
    """The reason to store when a user with the right overrides the limit; else refuse naming the figures."""
    figures = dict(limit=money_text(limit), exposure=money_text(used), order=money_text(unpaid),
                   after=money_text(used + unpaid))
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise CreditLimitExceeded(_("Over the credit limit: the limit is %(limit)s, open orders come to %(exposure)s "
                                    "and this order adds %(order)s (%(after)s). A user with the credit override "
                                    "right can confirm it with a reason.", **figures))
    if not has_override_right(user):
        raise Forbidden(_("You do not have the right to override the credit limit."))
    if len(reason) > 1000:
        raise invalid({"override_reason": _("At most %(n)s characters.", n=1000)})
    return reason


def cancel(order_id: int, user) -> dict:
    orders = entity("sales_orders")
    order = records.get(orders, order_id, user)
    require_right(user, orders, "edit", order)
    if order["status"] in ("partially_shipped", "shipped"):
        raise ValidationError(_("Goods of this order were shipped; it cannot be cancelled."))
    if order["status"] == "cancelled":
        return order
    with handover.allowed("order_status", status="cancelled"):
        return records.update(orders, order_id, {}, user, check_rights=False)


def record_shipment(line_id: int, quantity, user) -> dict:
    """Ship ``quantity`` of an order line (the inventory plugin's outbound issue calls this).

    The line is locked, the quantity must be positive and at most what remains;
    the line's shipped and remaining quantities and the order's status follow.
    Returns the updated line.  Rights: editing the order.
    """
    lines, orders = entity("sales_order_lines"), entity("sales_orders")
    records.get(lines, line_id, user)  # 404 unless the user sees it
    line = records.fetch(lines, line_id, for_update=True)
    order = records.get(orders, line["order_id"], user)
    require_right(user, orders, "edit", order)
    try:
        quantity = Decimal(str(quantity))
    except ArithmeticError:
        raise invalid({"quantity": _("Enter a number.")}) from None
    if order["status"] not in ("open", "partially_shipped"):
        raise ValidationError(_("Only a confirmed order that is not fully shipped can ship goods."))
    if line["kind"] != "item" or not quantity.is_finite() or quantity <= 0 or quantity > line["remaining_quantity"]:
        raise invalid({"quantity": _("Ship more than 0 and at most the remaining %(n)s.",
                                     n=line["remaining_quantity"])})
    with handover.allowed("shipment", shipped=line["shipped_quantity"] + quantity):
        updated = records.update(lines, line_id, {}, user, check_rights=False)
    documents.refresh("sales_orders", order["id"], user)
    return updated
