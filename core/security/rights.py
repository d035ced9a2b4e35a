"""Per-role rights on entities, and per-entity sharing.

Effective rights of a role on an entity are, in order: the administrator's
stored :class:`RoleRight` row; else the default a plugin gives through
``crm_default_rights``; else the core default below.  Effective sharing is the
administrator's :class:`EntitySharing` row, else the entity's declaration.
Both are read once per request (cached on ``g``) and the cache is dropped by
every write here.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from core.db import session, utcnow
from core.entities.declaration import SHARING_MODELS
from core.errors import ValidationError
from core.runtime import runtime
from core.security.models import ACTIONS, EntitySharing, Role, RoleRight, column_attr

ALL = frozenset(ACTIONS)
WORKER = frozenset({"view", "create", "edit"})
NONE: frozenset[str] = frozenset()

# The sales branch may do everything; the special branches work on records they own or that
# are shared with them but neither delete nor move data in bulk.  Plugins refine this per entity
# (e.g. inventory gives warehouse staff its stock entities) through ``crm_default_rights``.
CORE_DEFAULTS = {"owner": ALL, "director": ALL, "manager": ALL, "sales": ALL,
                 "service": WORKER, "warehouse": WORKER, "purchasing": WORKER}

CACHE_KEYS = ("_crm_rights", "_crm_sharing", "_crm_role_tree", "_crm_visible_owners")


def clear_cache() -> None:
    """Forget the per-request caches after roles, rights, sharing or users changed."""
    for key in CACHE_KEYS:
        g.pop(key, None)


def default_rights(role_name: str | None, entity_name: str) -> frozenset[str]:
    rights = CORE_DEFAULTS.get(role_name or "", NONE)
    for contributed in runtime().hook.crm_default_rights():
        per_entity = (contributed or {}).get(role_name or "", {})
        if entity_name in per_entity:
            rights = frozenset(per_entity[entity_name]) & ALL
    return rights


def role_rights(role_id: int | None, entity_name: str) -> dict[str, bool]:
    """``{action: allowed}`` for one role on one entity (no role: nothing allowed)."""
    if role_id is None:
        return {a: False for a in ACTIONS}
    cache = g.setdefault("_crm_rights", {})
    key = (role_id, entity_name)
    if key not in cache:
        row = session().scalar(sa.select(RoleRight).where(RoleRight.role_id == role_id,
                                                          RoleRight.entity == entity_name))
        if row is not None:
            cache[key] = row.as_dict()
        else:
            role = session().get(Role, role_id)
            allowed = default_rights(role.name if role else None, entity_name)
            cache[key] = {a: a in allowed for a in ACTIONS}
    return cache[key]


def set_role_rights(role: Role, entity_name: str, data) -> dict[str, bool]:
    """Store an administrator's rights for one entity; unnamed actions keep their current value."""
    if not isinstance(data, dict):
        raise ValidationError(_("Send an object such as {\"view\": true, \"export\": false}."))
    errors = {k: _("Unknown action; use one of: %(actions)s.", actions=", ".join(ACTIONS))
              for k in data if k not in ACTIONS}
    errors.update({k: _("Must be true or false.") for k, v in data.items()
                   if k in ACTIONS and not isinstance(v, bool)})
    if errors:
        raise ValidationError(_("Some rights are not valid."), errors)
    current = role_rights(role.id, entity_name)
    row = session().scalar(sa.select(RoleRight).where(RoleRight.role_id == role.id,
                                                      RoleRight.entity == entity_name))
    if row is None:
        row = RoleRight(role_id=role.id, entity=entity_name)
        session().add(row)
    for action in ACTIONS:
        setattr(row, column_attr(action), bool(data.get(action, current[action])))
    session().flush()
    clear_cache()
    return row.as_dict()


def effective_sharing(entity) -> str:
    cache = g.get("_crm_sharing")
    if cache is None:
        cache = dict(session().execute(sa.select(EntitySharing.entity, EntitySharing.sharing)).all())
        g._crm_sharing = cache
    return cache.get(entity.name, entity.sharing)


def set_sharing(entity, sharing) -> str:
    if sharing not in SHARING_MODELS:
        raise ValidationError(_("Some fields are not valid."),
                              {"sharing": _("Use one of: %(models)s.", models=", ".join(SHARING_MODELS))})
    row = session().get(EntitySharing, entity.name)
    if row is None:
        session().add(EntitySharing(entity=entity.name, sharing=sharing))
    else:
        row.sharing, row.changed_at = sharing, utcnow()
    session().flush()
    clear_cache()
    return sharing
