"""Administering users: create, change, deactivate (handing records over: :mod:`core.transfer`)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from core import generations
from core.bounds import is_id
from core.db import session
from core.errors import Conflict, NotFound, ValidationError
from core.i18n import LANGUAGES
from core.security import sessions
from core.security.models import USER_NAMES, Role, User
from core.security.passwords import password_problem
from core.security.rights import clear_cache

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EDITABLE = {"email", "name", "password", "role_id", "is_admin", "active", "language"}


def user_json(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "role_id": user.role_id,
            "is_admin": user.is_admin, "active": user.active, "language": user.language,
            "created_at": user.created_at.isoformat().replace("+00:00", "Z") if user.created_at else None,
            "last_login_at": user.last_login_at.isoformat().replace("+00:00", "Z") if user.last_login_at else None}


def names_of(user_ids) -> dict[int, str]:
    """``{id: name}`` for display (``None`` ids ignored), from a process-wide cache of every user's name.

    The cache is :mod:`core.generations`'; renames and new users are seen by every process.
    """
    def load():
        users = User.__table__
        return dict(session().connection().execute(sa.select(users.c.id, users.c.name)).all())

    wanted = {i for i in user_ids if i is not None}
    everyone = generations.cached(USER_NAMES, "names", load)
    found = {i: everyone[i] for i in wanted if i in everyone}
    missing = wanted - found.keys()
    if missing:  # written around the ORM (a bulk load), so no counter was bumped: ask the database
        users = User.__table__
        found.update(session().connection().execute(sa.select(users.c.id, users.c.name)
                                                     .where(users.c.id.in_(missing))).all())
    return found


def colleague_json(user: User) -> dict:
    """What any colleague may know of a user (owner pickers): no email, role or flags."""
    return {"id": user.id, "name": user.name}


def get_user(user_id: int) -> User:
    user = session().get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def create_user(data) -> User:
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    for name in ("email", "name", "password"):
        if not data.get(name):
            errors[name] = _("Required.")
    user = User(email="", name="", password_hash="", is_admin=False, active=True)
    apply_user_fields(user, data, errors)
    session().add(user)
    session().flush()
    return user


def update_user(user: User, data, acting) -> User:
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    if user.id == acting.id and (data.get("is_admin") is False or data.get("active") is False):
        errors["is_admin" if data.get("is_admin") is False else "active"] = _(
            "You cannot take away your own administrator access.")
    apply_user_fields(user, data, errors)
    session().flush()
    clear_cache()
    return user


def deactivate_user(user: User, acting) -> User:
    if user.id == acting.id:
        raise Conflict(_("You cannot deactivate yourself."))
    user.active = False
    sessions.end_all(user)
    session().flush()
    return user


def apply_user_fields(user: User, data: dict, errors: dict) -> None:
    """Set the editable fields present in ``data``; 422 naming every bad one, nothing changed."""
    errors.update({k: _("Unknown field.") for k in set(data) - EDITABLE - {"id"}})
    if "email" in data and "email" not in errors:
        email = data["email"].strip().lower() if isinstance(data["email"], str) else ""
        taken = session().scalar(sa.select(User.id).where(User.email == email, User.id != (user.id or 0)))
        if not EMAIL_RE.match(email) or len(email) > 254:
            errors["email"] = _("Not a valid email address.")
        elif taken:
            errors["email"] = _("Already used by %(title)s.", title=email)
    if "name" in data and "name" not in errors and (not isinstance(data["name"], str) or not data["name"].strip()):
        errors["name"] = _("Required.")
    if "password" in data and "password" not in errors:
        email = data["email"] if isinstance(data.get("email"), str) else user.email
        problem = password_problem(data["password"], email)
        if problem:
            errors["password"] = problem
    if "role_id" in data and data["role_id"] is not None and (
            not is_id(data["role_id"]) or session().get(Role, data["role_id"]) is None):
        errors["role_id"] = _("No such role.")
    for flag in ("is_admin", "active"):
        if flag in data and not isinstance(data[flag], bool):
            errors.setdefault(flag, _("Must be true or false."))
    if data.get("language") not in (None, *LANGUAGES):
        errors["language"] = _("Use one of: %(models)s.", models=", ".join(LANGUAGES))
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    if "email" in data:
        user.email = data["email"].strip().lower()
    if "name" in data:
        user.name = data["name"].strip()[:100]
    if "password" in data:
        user.set_password(data["password"])
    for name in ("role_id", "is_admin", "active", "language"):
        if name in data:
            setattr(user, name, data[name])
    if user.id is not None and ("password" in data or data.get("active") is False):
        sessions.end_all(user)  # an administrator reset the password or deactivated: log them out
