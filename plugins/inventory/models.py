"""The stock tables: keepers, stock documents and their lines, the movement ledger, balances, product limits.

``inventory_movements`` is the ledger: rows are only ever inserted (a
correction or a cancellation is a reversing movement that names the one it
reverses).  ``inventory_balances`` holds one row per product × warehouse and
is changed only by :mod:`plugins.inventory.ledger`, in the transaction that
inserts the movements and under a lock on the balance rows, so its quantity
is always the sum of that pair's movements.

Product, warehouse and account ids carry no foreign keys to the entity tables
(as in quotes' email log): the models are imported whenever the plugin is
installed, the entity tables exist only where their plugins are enabled.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

QTY = sa.Numeric(18, 4)
COST = sa.Numeric(18, 2)

# Movement kinds, the words of the seed's daily report (초기화, 입고, 출고, 이동, 실사, 반품).
KINDS = ("opening", "receipt", "issue", "transfer_out", "transfer_in", "adjustment", "return_in", "return_out")


class Keeper(Base):
    """A warehouse's keeper (창고 관리자): may post movements in that warehouse."""

    __tablename__ = "inventory_keepers"

    warehouse_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id", ondelete="CASCADE"), primary_key=True)


class StockDocument(Base):
    """A receipt, issue, transfer, stock-take, opening balance or return: drafted, then posted (or cancelled)."""

    __tablename__ = "inventory_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # receipt issue transfer stocktake opening return_in return_out
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")  # draft posted cancelled
    warehouse_id: Mapped[int] = mapped_column(index=True)
    to_warehouse_id: Mapped[int | None]  # a transfer's receiving warehouse
    account_id: Mapped[int | None]  # the supplier (receipt, return to supplier) or customer (issue, return)
    source: Mapped[str | None] = mapped_column(sa.String(20))  # purchase_order | sales_order
    source_id: Mapped[int | None] = mapped_column(index=True)
    document_date: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    posted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_inventory_documents_kind_date", "kind", "document_date"),
                      sa.Index("ix_inventory_documents_source", "source", "source_id"))


class DocumentLine(Base):
    """What a document moves: product and quantity (a stock-take's counted quantity), unit cost, source line."""

    __tablename__ = "inventory_document_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("inventory_documents.id", ondelete="CASCADE"),
                                             index=True)
    product_id: Mapped[int]
    quantity: Mapped[Decimal] = mapped_column(QTY)
    unit_cost: Mapped[Decimal | None] = mapped_column(COST)
    source_line_id: Mapped[int | None]  # the purchase-order or sales-order line
    book_quantity: Mapped[Decimal | None] = mapped_column(QTY)  # a stock-take: the balance when it was posted


class Movement(Base):
    """One line of the ledger; never updated or deleted."""

    __tablename__ = "inventory_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inventory_documents.id"), index=True)
    product_id: Mapped[int]
    warehouse_id: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    quantity: Mapped[Decimal] = mapped_column(QTY)  # signed: + into the warehouse, - out of it
    unit_cost: Mapped[Decimal | None] = mapped_column(COST)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inventory_movements.id"), unique=True)
    moved_on: Mapped[dt.date]  # the deployment's local day (the daily report groups by it)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_inventory_movements_product_wh_day", "product_id", "warehouse_id", "moved_on"),
                      sa.Index("ix_inventory_movements_day", "moved_on"))


class Balance(Base):
    """Stock on hand of one product in one warehouse: the sum of its movements."""

    __tablename__ = "inventory_balances"

    product_id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    quantity: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ProductStock(Base):
    """A product's stock settings: kept in stock or not, minimum and maximum, the cost-review flag."""

    __tablename__ = "inventory_product_settings"

    product_id: Mapped[int] = mapped_column(primary_key=True)
    tracked: Mapped[bool] = mapped_column(default=True)
    min_quantity: Mapped[Decimal | None] = mapped_column(QTY)
    max_quantity: Mapped[Decimal | None] = mapped_column(QTY)
    cost_review_needed: Mapped[bool] = mapped_column(default=False)
    last_purchase_cost: Mapped[Decimal | None] = mapped_column(COST)
