"""What happens when a quote is saved: defaults, the status flow, the approval lock, totals.

Status flow (NewZen's tabs): ``draft`` (작성중) → ``in_progress`` (견적진행) →
``accepted`` (신청완료) or ``cancelled`` (견적취소); ``expired`` (유효기간초과) is set
only by the expiry job once the validity date has passed.  A quote that is
awaiting approval or approved is read-only until the approval is withdrawn
(:mod:`plugins.quotes.approval`); only its status may still move.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from core.db import session
from core.entities import handover, records
from core.errors import ValidationError
from core.entities.query import visible_select
from core.i18n import local_today
from core.plugin_api import picklist_label, translator
from core.security.permissions import require_right
from plugins.quotes import documents, settings
from plugins.quotes.documents import entity, invalid

_, _l = translator("quotes")

TRANSITIONS = {
    "draft": {"in_progress", "cancelled"},
    "in_progress": {"draft", "accepted", "cancelled"},
    "expired": {"in_progress", "cancelled"},
    "cancelled": {"draft"},
    "accepted": {"cancelled"},
}
LOCKED = ("pending", "approved")
OPEN = ("draft", "in_progress")


def before_save(values: dict, old: dict | None, user) -> None:
    if old is None:
        values["quote_date"] = values.get("quote_date") or local_today()
        if values.get("valid_until") is None:
            values["valid_until"] = values["quote_date"] + dt.timedelta(days=settings.quote_settings()["validity_days"])
        values["approval_status"] = "none"
    if values["valid_until"] < values["quote_date"]:
        raise invalid({"valid_until": _("The validity date cannot be before the quote date.")})
    check_lock(values, old)
    check_status(values, old)
    documents.apply_totals("quote_lines", values, old)


def check_lock(values: dict, old: dict | None) -> None:
    if old is None or old["approval_status"] not in LOCKED or handover.is_allowed("approval"):
        return
    changed = documents.user_changes(entity("quotes"), values, old) - {"status"}
    if changed:
        raise locked_error(old)


def locked_error(quote: dict) -> ValidationError:
    if quote["approval_status"] == "pending":
        return ValidationError(_("This quote is awaiting approval and cannot be changed."))
    return ValidationError(_("This quote is approved and read-only. Withdraw the approval to change it."))


def check_status(values: dict, old: dict | None) -> None:
    new = values.get("status") or "draft"
    values["status"] = new
    before = old["status"] if old else "draft"
    if new == before:
        if old is None and new not in OPEN:
            raise invalid({"status": _("A new quote starts as a draft or in progress.")})
        return
    if new == "expired":
        if not handover.is_allowed("expiry"):
            raise invalid({"status": _("A quote expires by itself when its validity date passes.")})
        return
    if old is None and new not in OPEN:
        raise invalid({"status": _("A new quote starts as a draft or in progress.")})
    if old is not None and new not in TRANSITIONS.get(before, set()):
        raise invalid({"status": _("A quote cannot go from %(old)s to %(new)s.",
                                   old=picklist_label("quote_status", before),
                                   new=picklist_label("quote_status", new))})
    if new in OPEN and values["valid_until"] < local_today():
        raise invalid({"valid_until": _("The validity date has passed; extend it first.")})
    if old is not None and old["approval_status"] == "pending":
        raise invalid({"status": _("This quote is awaiting approval; wait for the decision or withdraw it.")})
    if new == "accepted" and settings.quote_settings()["approval_required"] and values["approval_status"] != "approved":
        raise invalid({"status": _("The quote must be approved before it is accepted.")})


def before_line_save(values: dict, old: dict | None, user) -> None:
    quote = documents.parent_for_edit("quote_lines", values, user)
    if quote["approval_status"] in LOCKED:
        raise locked_error(quote)
    documents.compute_line("quote_lines", values, old)


def refuse_locked_line_change(record: dict, user) -> None:
    """A line is deleted or restored: refused while its quote is locked."""
    quote = records.fetch(entity("quotes"), record["quote_id"])
    if quote is not None and quote["approval_status"] in LOCKED:
        raise locked_error(quote)


# --- operations ---------------------------------------------------------------

def create_from_opportunity(opportunity_id: int, user, data: dict | None = None) -> dict:
    """A new quote for the opportunity's account and contact with a copy of its line items."""
    opps = entity("opportunities")
    require_right(user, opps, "view")
    opportunity = records.get(opps, opportunity_id, user)
    if opportunity["account_id"] is None:
        raise invalid({"account_id": _("The opportunity has no account; choose one first.")})
    body = {"title": opportunity["title"], "account_id": opportunity["account_id"],
            "contact_id": opportunity["contact_id"], "opportunity_id": opportunity_id, **(data or {})}
    quote = records.create(entity("quotes"), body, user)
    items = entity("opportunity_items").table
    rows = session().execute(sa.select(items).where(items.c.opportunity_id == opportunity_id,
                                                    items.c.deleted_at.is_(None)).order_by(items.c.id)).all()
    lines = entity("quote_lines")
    for position, row in enumerate(rows, start=1):
        records.create(lines, {"quote_id": quote["id"], "position": position * 10, "product_id": row.product_id,
                               "specification": row.options or None, "quantity": str(row.quantity),
                               "unit_price": str(row.unit_price)}, user)
    return records.fetch(entity("quotes"), quote["id"])


def price_history(account_id: int, product_id: int, user, limit: int = 10) -> list[dict]:
    """The customer's last prices for a product, from the quotes and orders the user may see (newest first)."""
    out = []
    for doc_name, line_name, parent_field, date_field in (("quotes", "quote_lines", "quote_id", "quote_date"),
                                                          ("sales_orders", "sales_order_lines", "order_id",
                                                           "order_date")):
        doc, line = entity(doc_name), entity(line_name)
        d, ln = doc.table, line.table
        visible = visible_select(doc, user, d.c.id).where(d.c.account_id == account_id).subquery()
        stmt = (sa.select(d.c.number, d.c[date_field].label("date"), ln.c.unit_price, ln.c.discount, ln.c.quantity,
                          d.c.status)
                .join(ln, ln.c[parent_field] == d.c.id).where(d.c.id.in_(sa.select(visible.c.id)),
                                                              ln.c.product_id == product_id,
                                                              ln.c.deleted_at.is_(None))
                .order_by(d.c[date_field].desc(), ln.c.id.desc()).limit(limit))
        out += [{"source": doc_name, "number": r.number, "date": r.date.isoformat() if r.date else None,
                 "unit_price": str(r.unit_price), "discount": f"{Decimal(r.discount or 0):.2f}",
                 "quantity": str(r.quantity),
                 "status": r.status} for r in session().execute(stmt)]
    out.sort(key=lambda r: r["date"] or "", reverse=True)
    return out[:limit]
