"""Who may see which records and do what.

:func:`visibility_condition` is applied by :func:`core.entities.query.visible_select`
to every read, as SQL.  Private records are visible to their owner and to users
whose role is above the owner's role in the role tree; ``public_read`` and
``public_rw`` entities are visible to everyone.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from core.db import session
from core.errors import Forbidden


def visibility_condition(entity, user):
    from core.runtime import runtime

    table = entity.table
    conditions = []
    if user is None:
        return sa.false()
    if not user.is_admin and entity.owned and entity.sharing == "private":
        conditions.append(table.c.owner_id.in_(visible_owner_ids(user)))
    for extra in runtime().hook.crm_visibility_condition(entity=entity, user=user):
        if extra is not None:
            conditions.append(extra)
    return sa.and_(*conditions) if conditions else None


def visible_owner_ids(user) -> list[int]:
    """The user and every user in a role below the user's role (cached per request)."""
    from core.security.models import Role, User

    cache = g.setdefault("_crm_visible_owners", {})
    if user.id in cache:
        return cache[user.id]
    ids = [user.id]
    if user.role_id is not None:
        roles = session().execute(sa.select(Role.id, Role.parent_id)).all()
        children: dict[int | None, list[int]] = {}
        for role_id, parent_id in roles:
            children.setdefault(parent_id, []).append(role_id)
        below, stack = set(), list(children.get(user.role_id, []))
        while stack:
            role_id = stack.pop()
            if role_id not in below:
                below.add(role_id)
                stack.extend(children.get(role_id, []))
        if below:
            ids += list(session().scalars(sa.select(User.id).where(User.role_id.in_(below))))
    cache[user.id] = ids
    return ids


def can(user, entity, action: str, record: dict | None = None) -> bool:
    if user is None:
        return False
    if user.is_admin:
        return True
    if record is not None and action in ("edit", "delete") and entity.owned and entity.sharing != "public_rw":
        return record.get("owner_id") in visible_owner_ids(user)
    return True


def require_right(user, entity, action: str, record: dict | None = None) -> None:
    if not can(user, entity, action, record):
        raise Forbidden(_("You may not %(action)s %(entity)s.", action=action, entity=entity.name))
