"""The stock ledger: every change of stock is movements plus balances, in one transaction, under a lock.

:func:`apply` is the only writer of ``inventory_movements`` and
``inventory_balances``:

1. the balance rows of every (product, warehouse) the movements touch are made
   to exist (``INSERT ... ON CONFLICT DO NOTHING``) and then locked with
   ``SELECT ... FOR UPDATE``, always in the order (product id, warehouse id),
   so two transfers in opposite directions lock the same rows in the same order
   and cannot deadlock.  On SQLite every write transaction is already exclusive
   (``BEGIN IMMEDIATE``, queued in-process by :class:`core.db.WriteGate`);
2. the new quantities are computed; a pair whose quantity would drop below zero
   is refused (:class:`InsufficientStock`, nothing written) unless its
   warehouse allows negative stock;
3. the movements are inserted and the balances updated, in the caller's
   transaction.  The caller commits.

So a balance is always the sum of its movements (:func:`drift` checks it),
however many people issue goods at once.  Nothing edits or deletes a
movement: :func:`reverse` adds the negated movements of a document.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core import clock
from core.db import session
from core.errors import CRMError
from core.i18n import local_today
from core.plugin_api import translator
from plugins.inventory.models import Balance, Movement

_, _l = translator("inventory")

ZERO = Decimal(0)


class InsufficientStock(CRMError):
    """422 ``insufficient_stock``: the movement would take a product's stock below zero."""

    status = 422
    code = "insufficient_stock"


@dataclass(frozen=True)
class Entry:
    """One movement to write: ``quantity`` is signed (+ into the warehouse, - out of it)."""

    product_id: int
    warehouse_id: int
    kind: str
    quantity: Decimal
    unit_cost: Decimal | None = None
    reverses_id: int | None = None


def lock(keys) -> dict[tuple[int, int], Decimal]:
    """Lock the balance rows of ``keys`` ((product id, warehouse id) pairs), creating missing ones at 0.

    Returns the locked quantities.  Rows are created and locked in key order.
    """
    keys = set(keys)
    if not keys:
        return {}
    conn = session().connection()  # Core statements: the ORM's per-statement machinery would only add time
    table = Balance.__table__
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(table).on_conflict_do_nothing(index_elements=["product_id", "warehouse_id"]),
                 [{"product_id": p, "warehouse_id": w, "quantity": ZERO} for p, w in sorted(keys)])
    products, houses = sorted({p for p, _w in keys}), sorted({w for _p, w in keys})
    # product IN (...) AND warehouse IN (...) may lock a few pairs more than asked (a transfer of two
    # products locks both products in both warehouses), never fewer, and always in the same order.
    rows = conn.execute(sa.select(table.c.product_id, table.c.warehouse_id, table.c.quantity)
                        .where(one_of(table.c.product_id, products), one_of(table.c.warehouse_id, houses))
                        .order_by(table.c.product_id, table.c.warehouse_id).with_for_update()).all()
    return {(r.product_id, r.warehouse_id): Decimal(r.quantity) for r in rows if (r.product_id, r.warehouse_id) in keys}


def one_of(column, values: list):
    """``column = v`` for one value (the common single-line case, and cheaper to run than an IN list)."""
    return column == values[0] if len(values) == 1 else column.in_(values)


def apply(entries: list[Entry], *, document_id: int | None, user_id: int | None,
          allow_negative: set[int] = frozenset(), names=None, day: dt.date | None = None) -> dict:
    """Write ``entries`` and the balances they change; refuse anything that goes below zero.

    ``allow_negative``: warehouse ids whose stock may go negative.  ``names(product_id, warehouse_id)``
    gives the product and warehouse names for the refusal message.  Returns the new balances.
    """
    entries = [e for e in entries if e.quantity != 0]
    if not entries:
        return {}
    current = lock((e.product_id, e.warehouse_id) for e in entries)
    after = dict(current)
    for e in entries:
        after[(e.product_id, e.warehouse_id)] += e.quantity
    for key in sorted(after):
        if after[key] < 0 and after[key] < current[key] and key[1] not in allow_negative:
            product, warehouse = names(*key) if names else key
            raise InsufficientStock(
                _("Not enough stock of %(product)s in %(warehouse)s: %(available)s on hand, %(needed)s needed.",
                  product=product, warehouse=warehouse, available=quantity_text(current[key]),
                  needed=quantity_text(current[key] - after[key])),
                product_id=key[0], warehouse_id=key[1], available=str(current[key]))
    now, moved_on = clock.now(), day or local_today()
    conn = session().connection()
    conn.execute(sa.insert(Movement.__table__), [
        {"document_id": document_id, "product_id": e.product_id, "warehouse_id": e.warehouse_id, "kind": e.kind,
         "quantity": e.quantity, "unit_cost": e.unit_cost, "reverses_id": e.reverses_id, "moved_on": moved_on,
         "user_id": user_id, "created_at": now} for e in entries])
    table = Balance.__table__
    changed = {k: v for k, v in after.items() if v != current[k]}
    for (product_id, warehouse_id), quantity in sorted(changed.items()):
        conn.execute(table.update().where(table.c.product_id == product_id, table.c.warehouse_id == warehouse_id)
                     .values(quantity=quantity, updated_at=now))
    return after


def reversal(document_id: int) -> list[Entry]:
    """The negated movements of a document that are not reversed yet (a cancellation writes them)."""
    m = Movement.__table__
    reversed_ids = sa.select(m.c.reverses_id).where(m.c.reverses_id.is_not(None))
    rows = session().execute(sa.select(m).where(m.c.document_id == document_id, m.c.reverses_id.is_(None),
                                                m.c.id.not_in(reversed_ids)).order_by(m.c.id)).all()
    return [Entry(r.product_id, r.warehouse_id, r.kind, -Decimal(r.quantity), r.unit_cost, reverses_id=r.id)
            for r in rows]


def on_hand(product_id: int, warehouse_id: int) -> Decimal:
    table = Balance.__table__
    value = session().scalar(sa.select(table.c.quantity).where(table.c.product_id == product_id,
                                                              table.c.warehouse_id == warehouse_id))
    return Decimal(value or 0)


def drift() -> list[tuple]:
    """Pairs whose balance differs from the sum of their movements (always empty; tests and checks ask)."""
    b, m = Balance.__table__, Movement.__table__
    sums = (sa.select(m.c.product_id, m.c.warehouse_id, sa.func.sum(m.c.quantity).label("total"))
            .group_by(m.c.product_id, m.c.warehouse_id).subquery())
    stmt = (sa.select(b.c.product_id, b.c.warehouse_id, b.c.quantity, sums.c.total)
            .outerjoin(sums, sa.and_(sums.c.product_id == b.c.product_id, sums.c.warehouse_id == b.c.warehouse_id))
            .where(b.c.quantity != sa.func.coalesce(sums.c.total, 0)))
    orphans = (sa.select(sums.c.product_id, sums.c.warehouse_id, sa.null(), sums.c.total)
               .outerjoin(b, sa.and_(sums.c.product_id == b.c.product_id, sums.c.warehouse_id == b.c.warehouse_id))
               .where(b.c.product_id.is_(None)))
    return [tuple(r) for r in session().execute(stmt).all() + session().execute(orphans).all()]


def quantity_text(value: Decimal) -> str:
    """A quantity without trailing zeros (3, 2.5)."""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value != value.to_integral_value() else f"{value.to_integral_value():,}"
    return text
