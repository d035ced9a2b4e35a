"""Who may do what with stock.

* Seeing stock (lists, reports, history): the ``view`` right on warehouses
  (every role by default: a sales rep sees stock).
* Posting movements in a warehouse: its keepers (``inventory_keepers``), the
  roles in ``inventory_admin_roles`` (the inventory-admin right) and
  administrators.  A transfer posts in two warehouses, so it needs both.
* Purchasing: the rights on purchase orders (the ``purchasing`` role creates and
  edits them; other roles read them, see ``crm_default_rights``).
* Cancelling a posted document or an ordered purchase order: the roles in
  ``inventory_cancel_roles`` (the owner by default) and administrators.
"""
from __future__ import annotations

import sqlalchemy as sa

from core.db import session
from core.entities import picklists
from core.errors import Forbidden
from core.plugin_api import translator
from core.runtime import runtime
from core.security.models import Role
from core.security.permissions import can, require_right
from plugins.inventory.models import Keeper
from plugins.inventory.picklists import ADMIN_ROLES, CANCEL_ROLES

_, _l = translator("inventory")

DEFAULT_RIGHTS = {
    "sales": {"warehouses": ["view"], "purchase_orders": ["view"], "purchase_order_lines": ["view"]},
    "service": {"warehouses": ["view"], "purchase_orders": ["view"], "purchase_order_lines": ["view"]},
    "warehouse": {"warehouses": ["view"], "purchase_orders": ["view"], "purchase_order_lines": ["view"]},
    "purchasing": {"warehouses": ["view"], "purchase_orders": ["view", "create", "edit", "export"],
                   "purchase_order_lines": ["view", "create", "edit", "delete"]},
}


def warehouses():
    return runtime().registry.get("warehouses")


def role_name(user) -> str | None:
    role_id = getattr(user, "role_id", None)
    return session().scalar(sa.select(Role.name).where(Role.id == role_id)) if role_id is not None else None


def in_roles(user, picklist: str) -> bool:
    if user is None or not getattr(user, "active", False):
        return False
    return bool(user.is_admin) or role_name(user) in picklists.active_values(picklist)


def is_inventory_admin(user) -> bool:
    return in_roles(user, ADMIN_ROLES)


def can_cancel(user) -> bool:
    return in_roles(user, CANCEL_ROLES)


def require_view(user) -> None:
    require_right(user, warehouses(), "view")


def can_view(user) -> bool:
    return can(user, warehouses(), "view")


def keeper_of(user) -> set[int]:
    """The warehouses ``user`` keeps."""
    if user is None:
        return set()
    return set(session().scalars(sa.select(Keeper.warehouse_id).where(Keeper.user_id == user.id)))


def can_post(user, warehouse_id: int) -> bool:
    return is_inventory_admin(user) or warehouse_id in keeper_of(user)


def require_post(user, warehouse: dict) -> None:
    """403 unless ``user`` keeps ``warehouse`` (or holds the inventory-admin right)."""
    if not can_post(user, warehouse["id"]):
        raise Forbidden(_("Only the keepers of %(warehouse)s may post stock movements there.",
                          warehouse=warehouse["name"]))


def require_cancel(user) -> None:
    if not can_cancel(user):
        raise Forbidden(_("Only the roles with the cancel right (the owner by default) may cancel this."))


def require_inventory_admin(user) -> None:
    if not is_inventory_admin(user):
        raise Forbidden(_("Only inventory administrators may do this."))


def works_with_suppliers(user) -> bool:
    """Buyers (may create purchase orders) and keepers read supplier accounts."""
    if user is None or not getattr(user, "active", False) or user.is_admin:
        return False
    return can(user, runtime().registry.get("purchase_orders"), "create") or bool(keeper_of(user))
