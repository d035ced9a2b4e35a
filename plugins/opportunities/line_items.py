"""Line items and the other child records of an opportunity.

Totals are computed here on every save (Decimal, rounded to the deployment's
currency); after a line item changes, the opportunity is saved again so its
amount, forecast and revenue schedule follow.
"""
from __future__ import annotations

from decimal import Decimal

from core.entities import records
from core.errors import NotFound, ValidationError
from core.money import round_money
from core.plugin_api import translator
from core.security.permissions import require_right
from plugins.opportunities.services import entity
from plugins.products import services as products

_, _l = translator("opportunities")


def parent_for_edit(opportunity_id: int, user) -> dict:
    """The opportunity a child record belongs to; changing children is editing the opportunity."""
    opps = entity()
    try:
        parent = records.get(opps, opportunity_id, user)
    except NotFound:
        raise ValidationError(_("Some fields are not valid."),
                              {"opportunity_id": _("No such record, or you cannot see it.")}) from None
    require_right(user, opps, "edit", parent)
    return parent


def before_save(ent, values: dict, old: dict | None, user) -> None:
    if old is not None and values["opportunity_id"] != old["opportunity_id"]:
        raise ValidationError(_("Some fields are not valid."),
                              {"opportunity_id": _("A line item cannot move to another opportunity.")})
    parent_for_edit(values["opportunity_id"], user)
    if ent.name == "opportunity_items":
        compute_totals(ent, values, old, user)


def compute_totals(ent, values: dict, old: dict | None, user) -> None:
    products.refuse_cost_change(ent, values, old, user)
    if old is None or values["product_id"] != old["product_id"]:
        product = products.offerable_product(values["product_id"])
        if values.get("unit_price") is None:
            values["unit_price"] = product["list_price"]
        if old is None or not values.get("unit_cost"):
            values["unit_cost"] = product["cost"] or Decimal(0)
    quantity = values.get("quantity") if values.get("quantity") is not None else Decimal(1)
    values["quantity"] = quantity
    values["unit_price"] = round_money(values.get("unit_price") or 0)
    values["unit_cost"] = round_money(values.get("unit_cost") or 0)
    values["sale_total"] = round_money(values["unit_price"] * quantity)
    values["cost_total"] = round_money(values["unit_cost"] * quantity)


def refresh_parent(opportunity_id: int, user) -> None:
    """Save the opportunity again so the amount follows its line items."""
    records.update(entity(), opportunity_id, {}, user, check_rights=False)
