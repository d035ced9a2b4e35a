"""What quotes and sales orders share: their lines' amounts, the document's totals, the edit lock.

A line's amounts are computed on every save (:mod:`plugins.quotes.totals`);
after a line changes, the document is saved again so its totals follow
(the document's ``crm_before_save`` sums its live lines).
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core.db import session
from core.entities import picklists, records
from core.errors import NotFound, ValidationError
from core.money import currency, places
from core.plugin_api import translator
from core.runtime import runtime
from core.security.permissions import require_right
from plugins.quotes import settings, totals
from plugins.quotes.entities import LINES

_, _l = translator("quotes")

COMPUTED = {"supply_total", "vat_total", "total", "currency", "rounding"}


def entity(name: str):
    return runtime().registry.get(name)


def invalid(fields: dict) -> ValidationError:
    return ValidationError(_("Some fields are not valid."), fields)


def parent_of(line_entity_name: str):
    parent_field, parent = LINES[line_entity_name]
    return parent_field, entity(parent.name)


def parent_for_edit(line_entity_name: str, values: dict, user) -> dict:
    """The document a line belongs to; changing a line is editing its document."""
    parent_field, parent = parent_of(line_entity_name)
    try:
        document = records.get(parent, values[parent_field], user)
    except NotFound:
        raise invalid({parent_field: _("No such record, or you cannot see it.")}) from None
    require_right(user, parent, "edit", document)
    return document


def live_lines(line_entity_name: str, document_id: int) -> list[dict]:
    """The document's live lines in their order (position, then id)."""
    ent = entity(line_entity_name)
    parent_field, _parent = parent_of(line_entity_name)
    t = ent.table
    rows = session().execute(sa.select(t).where(t.c[parent_field] == document_id, t.c.deleted_at.is_(None))
                             .order_by(t.c.position, t.c.id)).all()
    fields = records.entity_fields(ent)
    return [records.row_to_record(ent, row, fields) for row in rows]


def next_position(line_entity_name: str, document_id: int) -> int:
    ent = entity(line_entity_name)
    parent_field, _parent = parent_of(line_entity_name)
    t = ent.table
    last = session().scalar(sa.select(sa.func.max(t.c.position)).where(t.c[parent_field] == document_id))
    return (last or 0) + 10


def compute_line(line_entity_name: str, values: dict, old: dict | None) -> None:
    """Fill a line's defaults from its product and compute 공급가액, VAT and total."""
    parent_field, _parent = parent_of(line_entity_name)
    if old is not None and values[parent_field] != old[parent_field]:
        raise invalid({parent_field: _("A line cannot move to another document.")})
    kind = values.get("kind") or "item"
    values["kind"] = kind
    if values.get("position") is None:
        values["position"] = next_position(line_entity_name, values[parent_field])
    if kind == "item":
        fill_from_product(values, old)
        if values.get("quantity") is None:
            values["quantity"] = Decimal(1)
        if values.get("vat_rate") is None:
            values["vat_rate"] = settings.vat_rate()
        if values.get("unit_price") is None:
            raise invalid({"unit_price": _("Enter the unit price.")})
    elif not values.get("name"):
        raise invalid({"name": _("Enter the text of the row.")})
    amounts = totals.line_amounts(kind, values.get("quantity"), values.get("unit_price"), values.get("discount"),
                                  values.get("vat_rate"), places())
    values.update(supply_amount=amounts.supply, vat_amount=amounts.vat, line_total=amounts.total)
    if kind != "item":
        values.update(quantity=None, unit_price=None, vat_rate=None, product_id=None)


def fill_from_product(values: dict, old: dict | None) -> None:
    """A product line takes its code, name, unit and list price from the catalogue unless typed."""
    product_id = values.get("product_id")
    if product_id is None:
        if not values.get("name"):
            raise invalid({"name": _("Choose a product or enter the item name.")})
        return
    if old is not None and old.get("product_id") == product_id:
        return
    from plugins.products import services as products

    product = products.offerable_product(product_id)
    values["item_code"] = values.get("item_code") or product.get("code")
    values["name"] = values.get("name") or product["name"]
    values["specification"] = values.get("specification") or product.get("model")
    # the unit's word as the quote prints it ("개", "식"), not the catalogue's code ("ea")
    values["unit"] = values.get("unit") or picklists.label_for("product_unit", product.get("unit"))
    if values.get("unit_price") is None:
        values["unit_price"] = product["list_price"]


def apply_totals(line_entity_name: str, values: dict, old: dict | None) -> None:
    """The document's totals from its live lines, with the deployment's rounding rule."""
    lines = live_lines(line_entity_name, values["id"]) if old is not None else []
    mode = settings.rounding()
    result = totals.document_totals(lines, mode, places())
    values.update(supply_total=result.supply, vat_total=result.vat, total=result.total, rounding=mode,
                  currency=values.get("currency") or currency())


def user_changes(entity_, values: dict, old: dict | None) -> set[str]:
    """Fields the save changes other than the computed totals and readonly fields."""
    if old is None:
        return set(values)
    readonly = {f.name for f in records.entity_fields(entity_) if f.readonly}
    return {k for k, v in values.items() if k in old and old[k] != v and k not in readonly and k not in COMPUTED}


def refresh(document_entity_name: str, document_id: int, user) -> None:
    """Save the document again so its totals follow its lines."""
    records.update(entity(document_entity_name), document_id, {}, user, check_rights=False)
