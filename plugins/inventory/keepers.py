"""Keepers per warehouse (창고 관리 권한): read by anyone who sees stock, set by inventory administrators."""
from __future__ import annotations

import sqlalchemy as sa

from core.bounds import is_id
from core.db import session
from core.entities import records
from core.errors import ValidationError
from core.plugin_api import translator
from core.security.models import User
from plugins.inventory import rights
from plugins.inventory.models import Keeper

_, _l = translator("inventory")


def of(warehouse_id: int, user) -> list[dict]:
    rights.require_view(user)
    records.get(rights.warehouses(), warehouse_id, user)
    rows = session().execute(sa.select(User.id, User.name, User.email).join(Keeper, Keeper.user_id == User.id)
                             .where(Keeper.warehouse_id == warehouse_id).order_by(User.name)).all()
    return [{"id": r.id, "name": r.name, "email": r.email} for r in rows]


def replace(warehouse_id: int, user_ids, user) -> list[dict]:
    """Make ``user_ids`` the warehouse's keepers (inventory administrators only)."""
    rights.require_view(user)
    records.get(rights.warehouses(), warehouse_id, user)
    rights.require_inventory_admin(user)
    if not isinstance(user_ids, list) or len(user_ids) > 100 or not all(is_id(u) for u in user_ids):
        raise ValidationError(_("Some fields are not valid."), {"user_ids": _("Give a list of user ids.")})
    found = set(session().scalars(sa.select(User.id).where(User.id.in_(user_ids), User.active.is_(True))))
    if found != set(user_ids):
        raise ValidationError(_("Some fields are not valid."), {"user_ids": _("No such active user.")})
    session().execute(sa.delete(Keeper).where(Keeper.warehouse_id == warehouse_id))
    session().add_all(Keeper(warehouse_id=warehouse_id, user_id=u) for u in sorted(found))
    session().flush()
    return of(warehouse_id, user)
