"""The role tree: defaults, lookups, and the administrator's changes (no cycles, no orphaned users)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from core.bounds import is_id
from core.db import session
from core.errors import Conflict, NotFound, ValidationError
from core.i18n import pick_label
from core.security.models import Role, User
from core.security.rights import clear_cache

# (name, parent, labels): 대표 > 이사 > 팀장 > 영업, and three branches of their own.
DEFAULT_ROLES = [
    ("owner", None, {"ko": "대표", "zh_Hans": "总经理", "en": "Owner"}),
    ("director", "owner", {"ko": "이사", "zh_Hans": "总监", "en": "Director"}),
    ("manager", "director", {"ko": "팀장", "zh_Hans": "经理", "en": "Manager"}),
    ("sales", "manager", {"ko": "영업", "zh_Hans": "销售", "en": "Sales"}),
    ("service", None, {"ko": "서비스", "zh_Hans": "服务", "en": "Service"}),
    ("warehouse", None, {"ko": "창고", "zh_Hans": "仓库", "en": "Warehouse"}),
    ("purchasing", None, {"ko": "구매", "zh_Hans": "采购", "en": "Purchasing"}),
]
DEFAULT_LABELS = {name: labels for name, _parent, labels in DEFAULT_ROLES}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def install_default_roles(sess) -> None:
    """Seed the default tree into an empty role table (afterwards administrators own it)."""
    if sess.scalar(sa.select(sa.func.count()).select_from(Role)):
        return
    ids: dict[str, int] = {}
    for name, parent, labels in DEFAULT_ROLES:
        role = Role(name=name, label=labels["en"], parent_id=ids.get(parent))
        sess.add(role)
        sess.flush()
        ids[name] = role.id


def role_parents() -> dict[int, int | None]:
    """``{role_id: parent_id}`` for the whole (small) tree, once per request."""
    tree = g.get("_crm_role_tree")
    if tree is None:
        tree = dict(session().execute(sa.select(Role.id, Role.parent_id)).all())
        g._crm_role_tree = tree
    return tree


def roles_below(role_id: int) -> set[int]:
    """Every role under ``role_id`` (not itself)."""
    children: dict[int | None, list[int]] = {}
    for rid, parent in role_parents().items():
        children.setdefault(parent, []).append(rid)
    below: set[int] = set()
    stack = list(children.get(role_id, []))
    while stack:
        rid = stack.pop()
        if rid not in below:
            below.add(rid)
            stack.extend(children.get(rid, []))
    return below


def role_label(role: Role) -> str:
    """A default role keeps speaking the user's language until an administrator renames it."""
    labels = DEFAULT_LABELS.get(role.name)
    return pick_label(labels, role.label) if labels and role.label == labels["en"] else role.label


def role_json(role: Role) -> dict:
    users = session().scalar(sa.select(sa.func.count()).select_from(User).where(User.role_id == role.id))
    return {"id": role.id, "name": role.name, "label": role_label(role), "parent_id": role.parent_id,
            "users": users}


def get_role(role_id: int) -> Role:
    role = session().get(Role, role_id)
    if role is None:
        raise NotFound(_("No such role."))
    return role


def role_by_name(name: str) -> Role | None:
    return session().scalar(sa.select(Role).where(Role.name == name))


def create_role(data) -> Role:
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    name = data.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors["name"] = _("Use lower-case letters, digits and _ (starting with a letter).")
    elif role_by_name(name) is not None:
        errors["name"] = _("Already used by %(title)s.", title=name)
    role = Role(name=name if isinstance(name, str) else "", label="")
    if not data.get("label"):
        errors["label"] = _("Required.")
    apply_role_fields(role, data, errors)
    session().add(role)
    session().flush()
    clear_cache()
    return role


def update_role(role: Role, data) -> Role:
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    if "name" in data and data["name"] != role.name:
        errors["name"] = _("A role's name cannot change; change its label instead.")
    apply_role_fields(role, data, errors)
    session().flush()
    clear_cache()
    return role


def apply_role_fields(role: Role, data: dict, errors: dict) -> None:
    """Label and parent from ``data``; raises 422 naming every bad field."""
    unknown = set(data) - {"name", "label", "parent_id"}
    errors.update({k: _("Unknown field.") for k in unknown})
    if "label" in data and "label" not in errors:
        if not isinstance(data["label"], str) or not data["label"].strip():
            errors["label"] = _("Required.")
        else:
            role.label = data["label"].strip()[:100]
    if "parent_id" in data:
        parent_error = check_parent(role, data["parent_id"])
        if parent_error:
            errors["parent_id"] = parent_error
        else:
            role.parent_id = data["parent_id"]
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)


def check_parent(role: Role, parent_id) -> str | None:
    """Why ``parent_id`` cannot be ``role``'s parent, or None when it can."""
    if parent_id is None:
        return None
    if not is_id(parent_id) or session().get(Role, parent_id) is None:
        return _("No such role.")
    if role.id is not None and (parent_id == role.id or parent_id in roles_below(role.id)):
        return _("A role cannot be placed under itself or one of its sub-roles.")
    return None


def delete_role(role: Role) -> None:
    if session().scalar(sa.select(sa.func.count()).select_from(User).where(User.role_id == role.id)):
        raise Conflict(_("Users still have this role; give them another role first."))
    if session().scalar(sa.select(sa.func.count()).select_from(Role).where(Role.parent_id == role.id)):
        raise Conflict(_("This role has sub-roles; move or delete them first."))
    session().delete(role)
    session().flush()
    clear_cache()
