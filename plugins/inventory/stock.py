"""Stock documents (입고 / 출고 / 이동 / 실사 / 초기화 / 반품): drafted, posted into the ledger, cancelled.

A document is drafted with its lines (by a keeper, or by purchasing receiving
a purchase order, or by sales creating an outbound order), then *posted* by a
keeper of its warehouse: posting turns its lines into ledger movements
(:mod:`plugins.inventory.ledger`) in one transaction.  A transfer posts both
legs (out of one warehouse, into the other) in the same call, so both happen or
neither.  A stock-take's lines hold the counted quantities; posting compares
them with the locked balances and writes the differences as adjustments.

A posted document is never edited; cancelling it (the cancel right) writes the
reversing movements.  Documents linked to a purchase order or a sales order
call back into :mod:`plugins.inventory.purchasing` / :mod:`plugins.inventory.outbound`
(registered in :data:`POSTED` / :data:`CANCELLED`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from core.bounds import is_id
from core import clock
from core.db import session
from core.entities import records
from core.entities.numbering import issue_number
from core.errors import NotFound, ValidationError
from core.i18n import local_today
from core.plugin_api import translator
from core.runtime import runtime
from plugins.inventory import ledger, rights
from plugins.inventory.ledger import Entry
from plugins.inventory.models import DocumentLine, StockDocument

_, _l = translator("inventory")

KINDS = ("receipt", "issue", "transfer", "stocktake", "opening", "return_in", "return_out")
NUMBERING = {"receipt": "GR-{YYYY}{MM}-{####}", "issue": "GI-{YYYY}{MM}-{####}", "transfer": "TR-{YYYY}{MM}-{####}",
             "stocktake": "ST-{YYYY}{MM}-{####}", "opening": "OB-{YYYY}{MM}-{####}",
             "return_in": "RI-{YYYY}{MM}-{####}", "return_out": "RO-{YYYY}{MM}-{####}"}
SIGN = {"receipt": 1, "issue": -1, "opening": 1, "return_in": 1, "return_out": -1}
MAX_LINES = 500
# source -> function(document, lines, posted quantities, user) run when a linked document is posted / cancelled
POSTED: dict = {}
CANCELLED: dict = {}


def entity(name: str):
    return runtime().registry.get(name)


def invalid(fields: dict) -> ValidationError:
    return ValidationError(_("Some fields are not valid."), fields)


# --- input ------------------------------------------------------------------------

def quantity(raw, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise invalid({field: _("Enter a number.")}) from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero) or value >= Decimal("1e13") \
            or value != value.quantize(Decimal("0.0001")):
        raise invalid({field: _("Enter a quantity above 0 (at most 4 decimal places).") if not allow_zero
                       else _("Enter a quantity of 0 or more (at most 4 decimal places).")})
    return value


def cost(raw, field: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise invalid({field: _("Enter a number.")}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e15"):
        raise invalid({field: _("Enter an amount of 0 or more.")})
    return value.quantize(Decimal("0.01"))


def warehouse(warehouse_id, user, field: str = "warehouse_id") -> dict:
    """A warehouse the user can see and that is active, else a 422 naming ``field``."""
    if not is_id(warehouse_id):
        raise invalid({field: _("Choose a warehouse.")})
    try:
        found = records.get(entity("warehouses"), warehouse_id, user)
    except NotFound:
        raise invalid({field: _("No such record, or you cannot see it.")}) from None
    if not found["active"]:
        raise invalid({field: _("The warehouse %(name)s is not active.", name=found["name"])})
    return found


def product(product_id, user, field: str) -> dict:
    if not is_id(product_id):
        raise invalid({field: _("Choose a product.")})
    try:
        return records.get(entity("products"), product_id, user)
    except NotFound:
        raise invalid({field: _("No such record, or you cannot see it.")}) from None


def parse_lines(kind: str, raw_lines, user, *, linked: bool = False) -> list[dict]:
    """Checked lines; ``source_line_id`` only for documents the plugin links to an order (``linked``)."""
    if not isinstance(raw_lines, list) or not raw_lines:
        raise invalid({"lines": _("Add at least one line.")})
    if len(raw_lines) > MAX_LINES:
        raise invalid({"lines": _("At most %(n)s lines.", n=MAX_LINES)})
    lines = []
    for n, raw in enumerate(raw_lines):
        if not isinstance(raw, dict):
            raise invalid({f"lines.{n}": _("Each line needs a product and a quantity.")})
        found = product(raw.get("product_id"), user, f"lines.{n}.product_id")
        lines.append({"product_id": found["id"],
                      "quantity": quantity(raw.get("quantity"), f"lines.{n}.quantity", allow_zero=kind == "stocktake"),
                      "unit_cost": cost(raw.get("unit_cost"), f"lines.{n}.unit_cost"),
                      "source_line_id": raw.get("source_line_id") if linked else None})
    if kind == "stocktake" and len({line["product_id"] for line in lines}) != len(lines):
        raise invalid({"lines": _("Count each product once.")})
    return lines


# --- drafting ---------------------------------------------------------------------

def draft(kind: str, data: dict, user, *, source: str | None = None, source_id: int | None = None,
          check_keeper: bool = True) -> StockDocument:
    """A new draft document with its lines (the caller checked the rights when ``check_keeper`` is off)."""
    if kind not in KINDS:
        raise invalid({"kind": _("Not a valid choice.")})
    if not isinstance(data, dict):
        raise invalid({"lines": _("Add at least one line.")})
    home = warehouse(data.get("warehouse_id"), user)
    target = None
    if kind == "transfer":
        target = warehouse(data.get("to_warehouse_id"), user, "to_warehouse_id")
        if target["id"] == home["id"]:
            raise invalid({"to_warehouse_id": _("Choose another warehouse to transfer to.")})
    if check_keeper:
        rights.require_post(user, home)
        if target is not None:
            rights.require_post(user, target)
    lines = parse_lines(kind, data.get("lines"), user, linked=source is not None)
    note = data.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 500):
        raise invalid({"note": _("At most %(n)s characters.", n=500)})
    day = document_day(data.get("document_date"))
    sess = session()
    doc = StockDocument(number=issue_number(sess, f"inventory.{kind}", NUMBERING[kind], day), kind=kind,
                        status="draft", warehouse_id=home["id"], to_warehouse_id=target["id"] if target else None,
                        account_id=account_id(data.get("account_id"), user), source=source, source_id=source_id,
                        document_date=day, note=note or None, created_by_id=user.id if user else None,
                        created_at=clock.now())
    sess.add(doc)
    sess.flush()
    sess.add_all(DocumentLine(document_id=doc.id, **line) for line in lines)
    sess.flush()
    return doc


def document_day(raw) -> dt.date:
    if raw in (None, ""):
        return local_today()
    try:
        day = dt.date.fromisoformat(str(raw))
    except ValueError:
        raise invalid({"document_date": _("Enter a date as YYYY-MM-DD.")}) from None
    if day > local_today():
        raise invalid({"document_date": _("A stock document cannot be dated in the future.")})
    return day


def account_id(raw, user) -> int | None:
    if raw in (None, ""):
        return None
    if not is_id(raw):
        raise invalid({"account_id": _("No such record, or you cannot see it.")})
    try:
        return records.get(entity("accounts"), raw, user)["id"]
    except NotFound:
        raise invalid({"account_id": _("No such record, or you cannot see it.")}) from None


# --- posting and cancelling -------------------------------------------------------

def locked_document(document_id: int, user) -> StockDocument:
    """The document under a row lock (two keepers posting it at once: the second finds it posted)."""
    rights.require_view(user)
    doc = session().scalar(sa.select(StockDocument).where(StockDocument.id == document_id)
                           .with_for_update().execution_options(populate_existing=True))
    if doc is None:
        raise NotFound(_("Record not found."))
    return doc


def lines_of(document_id: int) -> list[DocumentLine]:
    return list(session().scalars(sa.select(DocumentLine).where(DocumentLine.document_id == document_id)
                                  .order_by(DocumentLine.id)))


def post(document_id: int, user, quantities: dict | None = None) -> StockDocument:
    """Post a draft: its movements and balances in this transaction (keepers of its warehouses only).

    ``quantities`` ({line id: quantity}) lowers what is posted per line (a partial shipment or a
    short delivery); a line posted as 0 is dropped.
    """
    doc = locked_document(document_id, user)
    if doc.status != "draft":
        raise ValidationError(_("Document %(number)s is already posted or cancelled.", number=doc.number))
    home = warehouse(doc.warehouse_id, user)
    rights.require_post(user, home)
    target = warehouse(doc.to_warehouse_id, user, "to_warehouse_id") if doc.kind == "transfer" else None
    if target is not None:
        rights.require_post(user, target)
    lines = lines_of(doc.id)
    apply_quantities(lines, quantities or {})
    lines = [ln for ln in lines if ln.quantity > 0 or doc.kind == "stocktake"]
    if not lines:
        raise invalid({"quantities": _("Post at least one line with a quantity above 0.")})
    entries = entries_for(doc, lines)
    allow = {w["id"] for w in (home, target) if w is not None and w["allow_negative"]}
    ledger.apply(entries, document_id=doc.id, user_id=user.id, allow_negative=allow, names=namer(),
                 day=local_today())
    doc.status, doc.posted_by_id, doc.posted_at = "posted", user.id, clock.now()
    session().flush()
    if doc.source in POSTED:
        POSTED[doc.source](doc, lines, user)
    return doc


def apply_quantities(lines: list[DocumentLine], quantities: dict) -> None:
    by_id = {str(ln.id): ln for ln in lines}
    if not isinstance(quantities, dict):
        raise invalid({"quantities": _("Give the quantities per line.")})
    for key, raw in quantities.items():
        line = by_id.get(str(key))
        if line is None:
            raise invalid({"quantities": _("A line of another document.")})
        value = quantity(raw, f"quantities.{key}", allow_zero=True)
        if value > line.quantity:
            raise invalid({f"quantities.{key}": _("At most the %(n)s of the document.",
                                                   n=ledger.quantity_text(line.quantity))})
        line.quantity = value


def entries_for(doc: StockDocument, lines: list[DocumentLine]) -> list[Entry]:
    if doc.kind == "transfer":
        return [e for ln in lines for e in (
            Entry(ln.product_id, doc.warehouse_id, "transfer_out", -ln.quantity, ln.unit_cost),
            Entry(ln.product_id, doc.to_warehouse_id, "transfer_in", ln.quantity, ln.unit_cost))]
    if doc.kind == "stocktake":
        book = ledger.lock((ln.product_id, doc.warehouse_id) for ln in lines)
        for ln in lines:
            ln.book_quantity = book[(ln.product_id, doc.warehouse_id)]
        return [Entry(ln.product_id, doc.warehouse_id, "adjustment", ln.quantity - ln.book_quantity, ln.unit_cost)
                for ln in lines]
    return [Entry(ln.product_id, doc.warehouse_id, doc.kind, SIGN[doc.kind] * ln.quantity, ln.unit_cost)
            for ln in lines]


def cancel(document_id: int, user) -> StockDocument:
    """Cancel a draft (its creator or a keeper) or a posted document (the cancel right: reversing movements)."""
    doc = locked_document(document_id, user)
    if doc.status == "cancelled":
        return doc
    if doc.status == "posted":
        rights.require_cancel(user)
        allow = {w for w in (doc.warehouse_id, doc.to_warehouse_id)
                 if w and entity_row("warehouses", w).get("allow_negative")}
        if doc.source in CANCELLED:
            CANCELLED[doc.source](doc, lines_of(doc.id), user)
        ledger.apply(ledger.reversal(doc.id), document_id=doc.id, user_id=user.id, allow_negative=allow,
                     names=namer())
    elif not (user.id == doc.created_by_id or rights.can_post(user, doc.warehouse_id)):
        rights.require_cancel(user)
    doc.status, doc.cancelled_by_id, doc.cancelled_at = "cancelled", user.id, clock.now()
    session().flush()
    return doc


def entity_row(name: str, record_id: int) -> dict:
    return records.fetch(entity(name), record_id) or {}


def namer():
    """``names(product_id, warehouse_id)`` for refusal messages."""
    def names(product_id: int, warehouse_id: int) -> tuple[str, str]:
        found = entity_row("products", product_id)
        label = " ".join(filter(None, (found.get("name"), found.get("model")))) or f"#{product_id}"
        return label, entity_row("warehouses", warehouse_id).get("name", f"#{warehouse_id}")
    return names


# --- reading ----------------------------------------------------------------------

def as_dict(doc: StockDocument, lines: list[DocumentLine] | None = None) -> dict:
    lines = lines_of(doc.id) if lines is None else lines
    return {"id": doc.id, "number": doc.number, "kind": doc.kind, "status": doc.status,
            "warehouse_id": doc.warehouse_id, "to_warehouse_id": doc.to_warehouse_id, "account_id": doc.account_id,
            "source": doc.source, "source_id": doc.source_id, "document_date": doc.document_date.isoformat(),
            "note": doc.note, "created_by_id": doc.created_by_id, "posted_by_id": doc.posted_by_id,
            "posted_at": doc.posted_at.isoformat() if doc.posted_at else None,
            "cancelled_at": doc.cancelled_at.isoformat() if doc.cancelled_at else None,
            "lines": [{"id": ln.id, "product_id": ln.product_id, "quantity": str(ln.quantity),
                       "unit_cost": None if ln.unit_cost is None else str(ln.unit_cost),
                       "source_line_id": ln.source_line_id,
                       "book_quantity": None if ln.book_quantity is None else str(ln.book_quantity)}
                      for ln in lines]}


def get(document_id: int, user) -> StockDocument:
    rights.require_view(user)
    doc = session().get(StockDocument, document_id)
    if doc is None:
        raise NotFound(_("Record not found."))
    return doc


def listing(user, *, status: str | None = None, kind: str | None = None, warehouse_id: int | None = None,
            source: str | None = None, source_id: int | None = None, limit: int = 100) -> list[StockDocument]:
    rights.require_view(user)
    stmt = sa.select(StockDocument)
    for column, value in ((StockDocument.status, status), (StockDocument.kind, kind),
                          (StockDocument.warehouse_id, warehouse_id), (StockDocument.source, source),
                          (StockDocument.source_id, source_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    return list(session().scalars(stmt.order_by(StockDocument.id.desc()).limit(limit)))
