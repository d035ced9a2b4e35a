"""Catalogue rules: the category tree, the cost right, what may be offered on new line items."""
from __future__ import annotations

import sqlalchemy as sa

from core.db import session
from core.entities import picklists, records
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime

_, _l = translator("products")

PATH_SEPARATOR = " > "
COST_ROLES_PICKLIST = "product_cost_roles"


def entity(name: str):
    return runtime().registry.get(name)


# --- the cost right ---------------------------------------------------------

def has_cost_right(user) -> bool:
    """Administrators, and users whose role is listed in the ``product_cost_roles`` picklist.

    The picklist is the administrator's switch (add or deactivate a role name
    through the picklist API) - no table of its own for one yes/no per role.
    """
    if user is None:
        return False
    if getattr(user, "is_admin", False):
        return True
    role = getattr(user, "role", None)
    if role is None and getattr(user, "role_id", None) is not None:
        from core.security.models import Role
        role = session().get(Role, user.role_id)
    return role is not None and role.name in picklists.active_values(COST_ROLES_PICKLIST)


def cost_fields(ent) -> set[str]:
    return {f.name for f in ent.fields if f.extra.get("cost")}


def refuse_cost_change(ent, values: dict, old: dict | None, user) -> None:
    """A user who may not see cost may not set it either (it would be a blind write)."""
    if has_cost_right(user):
        return
    changed = [name for name in cost_fields(ent)
               if values.get(name) not in (None, 0) and (old is None or values.get(name) != old.get(name))]
    if changed:
        raise ValidationError(_("Some fields are not valid."),
                              {name: _("You may not see or change costs.") for name in changed})


# --- the category tree ------------------------------------------------------

def category_path(values: dict, record_id: int | None) -> str:
    """``Hardware > Servers > Rack`` for a category; refuses moving it under itself."""
    table = entity("product_categories").table
    names = [values["name"]]
    seen = {record_id} if record_id else set()
    parent_id = values.get("parent_id")
    while parent_id is not None:
        if parent_id in seen:
            raise ValidationError(_("Some fields are not valid."),
                                  {"parent_id": _("A category cannot be moved under itself or its own "
                                                  "sub-category.")})
        seen.add(parent_id)
        row = session().execute(sa.select(table.c.name, table.c.parent_id).where(table.c.id == parent_id)).first()
        if row is None:
            break
        names.append(row.name)
        parent_id = row.parent_id
    return PATH_SEPARATOR.join(reversed(names))


def refresh_child_paths(category_id: int, user) -> None:
    """After a rename or move, every sub-category's path follows (through the records service)."""
    ent = entity("product_categories")
    children = session().scalars(sa.select(ent.table.c.id).where(ent.table.c.parent_id == category_id,
                                                                 ent.table.c.deleted_at.is_(None))).all()
    for child_id in children:
        records.update(ent, child_id, {}, user, check_rights=False)


# --- offering ----------------------------------------------------------------

def offerable_product(product_id: int) -> dict:
    """The product for a *new* line item; discontinued ones stay in lists but are not offered."""
    ent = entity("products")
    product = records.fetch(ent, product_id)
    if product is None or product["deleted_at"] is not None:
        raise ValidationError(_("Some fields are not valid."), {"product_id": _("No such product.")})
    if product["discontinued"]:
        raise ValidationError(_("Some fields are not valid."),
                              {"product_id": _("%(name)s is discontinued and cannot be offered.",
                                               name=product["name"])})
    return product


def price_for(product_id: int, price_list_id: int | None):
    """The product's price in a price list, else its list price."""
    if price_list_id is not None:
        t = entity("product_prices").table
        price = session().scalar(sa.select(t.c.price).where(t.c.product_id == product_id,
                                                            t.c.price_list_id == price_list_id,
                                                            t.c.deleted_at.is_(None)))
        if price is not None:
            return price
    return records.fetch(entity("products"), product_id)["list_price"]
