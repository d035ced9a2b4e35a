"""A product's stock settings (kept in stock, minimum, maximum) and the cost-review flag (원가 가격 조정 필요).

A product without a settings row is kept in stock with no limits.  Setting
them is editing the product (the products' ``edit`` right) or the
inventory-admin right.
"""
from __future__ import annotations

from decimal import Decimal

from core.db import session
from core.entities import records
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.security.permissions import can
from plugins.inventory import rights, stock
from plugins.inventory.models import ProductStock

_, _l = translator("inventory")

DEFAULTS = {"tracked": True, "min_quantity": None, "max_quantity": None, "cost_review_needed": False,
            "last_purchase_cost": None}


def as_dict(row: ProductStock | None) -> dict:
    if row is None:
        return dict(DEFAULTS)
    return {"tracked": row.tracked, "min_quantity": row.min_quantity, "max_quantity": row.max_quantity,
            "cost_review_needed": row.cost_review_needed, "last_purchase_cost": row.last_purchase_cost}


def get(product_id: int, user) -> dict:
    rights.require_view(user)
    records.get(runtime().registry.get("products"), product_id, user)
    return as_dict(session().get(ProductStock, product_id))


def tracked(product_id: int) -> bool:
    row = session().get(ProductStock, product_id)
    return row is None or row.tracked


def put(product_id: int, data: dict, user) -> dict:
    products = runtime().registry.get("products")
    rights.require_view(user)
    product = records.get(products, product_id, user)
    if not (can(user, products, "edit", product) or rights.is_inventory_admin(user)):
        rights.require_inventory_admin(user)
    row = session().get(ProductStock, product_id) or ProductStock(product_id=product_id, **{
        k: v for k, v in DEFAULTS.items()})
    for name in ("tracked", "cost_review_needed"):
        if name in data:
            if not isinstance(data[name], bool):
                raise ValidationError(_("Some fields are not valid."), {name: _("Must be true or false.")})
            setattr(row, name, data[name])
    for name in ("min_quantity", "max_quantity"):
        if name in data:
            value = data[name]
            setattr(row, name, None if value in (None, "") else stock.quantity(value, name, allow_zero=True))
    if row.min_quantity is not None and row.max_quantity is not None and row.min_quantity > row.max_quantity:
        raise ValidationError(_("Some fields are not valid."),
                              {"max_quantity": _("The maximum cannot be below the minimum.")})
    session().add(row)
    session().flush()
    return as_dict(row)


def bought(product_id: int, unit_cost: Decimal) -> None:
    """A purchase at ``unit_cost``: remember it, and flag the product when it differs from its cost."""
    product = records.fetch(runtime().registry.get("products"), product_id) or {}
    row = session().get(ProductStock, product_id) or ProductStock(product_id=product_id, **DEFAULTS)
    row.last_purchase_cost = unit_cost
    if product.get("cost") is None or Decimal(product["cost"]) != unit_cost:
        row.cost_review_needed = True
    session().add(row)
    session().flush()
