"""Who may see which records and do what: the one permission filter.

:func:`visibility_condition` is applied by :func:`core.entities.query.visible_select`
to every read, as SQL, so list, detail, search, related lists, history,
reports, exports and plugin queries all see the same rows:

* no user, or a user whose role lacks the ``view`` right: nothing;
* administrators: everything;
* ``private`` entities (the sharing an administrator chose, else the
  declaration's): records owned by the user or by anyone in a role below the
  user's role in the role tree (a manager sees the team's records, a sales
  rep only their own, another branch none of them);
* ``public_read`` / ``public_rw`` entities and entities without owners: every
  record;
* a plugin's ``crm_visibility_grants`` may open private records to more
  people (ORed with the ownership rule: the assignees of a task);
* plus whatever each plugin's ``crm_visibility_condition`` adds (ANDed).

:func:`can` answers whether a user may do an action (``view``, ``create``,
``edit``, ``delete``, ``import``, ``export``) on an entity, and on one record:
editing and deleting someone else's record needs ``public_rw`` sharing or a
role above the owner's (a grant lets people read, not change).  Callers show a record that exists but is invisible as
404 and a refused action as 403 (:func:`require_right`).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from core.db import session
from core.errors import Forbidden
from core.runtime import runtime
from core.security.models import ACTIONS, User
from core.security.rights import effective_sharing, role_rights
from core.security.roles import roles_below


def visibility_condition(entity, user):
    """The SQL condition restricting ``entity``'s rows to what ``user`` may see (None: no restriction)."""
    if user is None or not getattr(user, "active", False):
        return sa.false()
    conditions = []
    if not user.is_admin:
        if not role_rights(user.role_id, entity.name)["view"]:
            return sa.false()
        if entity.owned and effective_sharing(entity) == "private":
            grants = [c for c in runtime().hook.crm_visibility_grants(entity=entity, user=user) if c is not None]
            conditions.append(sa.or_(owner_condition(entity.table.c.owner_id, user), *grants))
    for extra in runtime().hook.crm_visibility_condition(entity=entity, user=user):
        if extra is not None:
            conditions.append(extra)
    return sa.and_(*conditions) if conditions else None


def owner_condition(owner_column, user):
    """``owner_column`` is the user or a user in a role below theirs, as SQL (for plugins' own tables too)."""
    below = roles_below(user.role_id) if user.role_id is not None else set()
    if not below:
        return owner_column == user.id
    subordinates = sa.select(User.id).where(User.role_id.in_(sorted(below))).scalar_subquery()
    return sa.or_(owner_column == user.id, owner_column.in_(subordinates))


def visible_owner_ids(user) -> set[int]:
    """The user and every user in a role below theirs (cached per request)."""
    cache = g.setdefault("_crm_visible_owners", {})
    if user.id not in cache:
        below = roles_below(user.role_id) if user.role_id is not None else set()
        ids = {user.id}
        if below:
            ids |= set(session().scalars(sa.select(User.id).where(User.role_id.in_(below))))
        cache[user.id] = ids
    return cache[user.id]


def rights(user, entity) -> dict[str, bool]:
    """``{action: allowed}`` on ``entity`` as a whole (for menus, buttons and the metadata call)."""
    if user is None or not getattr(user, "active", False):
        return {a: False for a in ACTIONS}
    if user.is_admin:
        return {a: True for a in ACTIONS}
    return dict(role_rights(user.role_id, entity.name))


def can(user, entity, action: str, record: dict | None = None) -> bool:
    """May ``user`` do ``action`` on ``entity`` (and on ``record``, a record dict, when given)?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not rights(user, entity)[action]:
        return False
    if record is not None and action == "view":
        return record_visible(entity, record["id"], user)
    if user.is_admin or record is None or not entity.owned:
        return True
    if action in ("edit", "delete") and effective_sharing(entity) != "public_rw":
        return record.get("owner_id") in visible_owner_ids(user)
    return True


def record_visible(entity, record_id: int, user) -> bool:
    """Is this record in what ``user`` may see (the same SQL rule as every read, the recycle bin included)?"""
    table = entity.table
    stmt = sa.select(table.c.id).where(table.c.id == record_id)
    condition = visibility_condition(entity, user)
    if condition is not None:
        stmt = stmt.where(condition)
    return session().execute(stmt).first() is not None


ACTION_MESSAGES = {
    "view": lambda entity: _("You may not view %(entity)s.", entity=entity),
    "create": lambda entity: _("You may not create %(entity)s.", entity=entity),
    "edit": lambda entity: _("You may not edit %(entity)s.", entity=entity),
    "delete": lambda entity: _("You may not delete %(entity)s.", entity=entity),
    "import": lambda entity: _("You may not import %(entity)s.", entity=entity),
    "export": lambda entity: _("You may not export %(entity)s.", entity=entity),
}


def require_right(user, entity, action: str, record: dict | None = None) -> None:
    """Raise 403 unless :func:`can`; for a record the caller has already shown it exists to this user."""
    if not can(user, entity, action, record):
        raise Forbidden(ACTION_MESSAGES[action](str(entity.label)))


def require_admin(user) -> None:
    if user is None or not user.is_admin:
        raise Forbidden(_("Only administrators may do this."))
