"""Administration API: roles and their rights, sharing per entity, users and ownership transfer.

Everything here is for administrators, except the minimal colleague list
(``GET /api/v1/users`` for a non-administrator: ids and names for owner pickers).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import gettext as _

from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
from core.api.paging import int_param
from core.api.records import body
from core.db import session
from core.errors import ValidationError
from core.runtime import runtime
from core import transfer
from core.jobs import Job
from core.security import roles, users
from core.security.auth import current_user_or_none
from core.security.models import Role, User
from core.security.permissions import require_admin
from core.security.rights import effective_sharing, role_rights, set_role_rights, set_sharing


RIGHTS = {"type": "object", "required": ["data"], "properties": {"data": {"type": "object", "additionalProperties": {
    "type": "object", "additionalProperties": {"type": "boolean"}}}}}
RIGHTS_INPUT = {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "boolean"}}}
SHARING = {"type": "object", "required": ["entity", "sharing"], "properties": {
    "entity": {"type": "string"}, "sharing": {"type": "string"}, "default": {"type": "string"},
    "owned": {"type": "boolean"}}}
SHARING_INPUT = {"type": "object", "additionalProperties": {"enum": ["private", "public_read", "public_rw"]}}


def admin():
    user = current_user_or_none()
    require_admin(user)
    return user


# --- roles -------------------------------------------------------------------

@api.get("/roles")
@operation("Roles", response=schemas.listing(schemas.Role))
def list_roles():
    admin()
    rows = session().scalars(sa.select(Role).order_by(Role.id))
    return jsonify({"data": [roles.role_json(r) for r in rows]})


@api.post("/roles")
@operation("Create a role", body=schemas.RoleInput, response=schemas.Role, status=201)
def create_role():
    admin()
    role = roles.create_role(body())
    session().commit()
    return jsonify(roles.role_json(role)), 201


@api.get("/roles/<int:role_id>")
@operation("One role", response=schemas.Role)
def get_role(role_id):
    admin()
    return jsonify(roles.role_json(roles.get_role(role_id)))


@api.patch("/roles/<int:role_id>")
@operation("Change a role", body=schemas.RoleInput(partial=True), response=schemas.Role)
def update_role(role_id):
    admin()
    role = roles.update_role(roles.get_role(role_id), body())
    session().commit()
    return jsonify(roles.role_json(role))


@api.delete("/roles/<int:role_id>")
@operation("Delete a role without users")
def delete_role(role_id):
    admin()
    roles.delete_role(roles.get_role(role_id))
    session().commit()
    return "", 204


@api.get("/roles/<int:role_id>/rights")
@operation("Rights of a role per entity", response=RIGHTS)
def get_rights(role_id):
    admin()
    role = roles.get_role(role_id)
    return jsonify({"data": {name: role_rights(role.id, name) for name in runtime().registry.entities}})


@api.patch("/roles/<int:role_id>/rights")
@operation(body=RIGHTS_INPUT, response=RIGHTS)
def update_rights(role_id):
    """Body ``{entity: {action: bool}}``; entities and actions not named keep their rights."""
    admin()
    role = roles.get_role(role_id)
    data = body()
    unknown = {k: _("No such entity.") for k in (data if isinstance(data, dict) else {})
               if k not in runtime().registry.entities}
    if not isinstance(data, dict) or unknown:
        raise ValidationError(_("Some rights are not valid."), unknown)
    for name, actions in data.items():
        set_role_rights(role, name, actions)
    session().commit()
    return jsonify({"data": {name: role_rights(role.id, name) for name in runtime().registry.entities}})


# --- sharing -----------------------------------------------------------------

def sharing_json() -> list[dict]:
    return [{"entity": e.name, "sharing": effective_sharing(e), "default": e.sharing, "owned": e.owned}
            for e in runtime().registry.entities.values()]


@api.get("/sharing")
@operation("Sharing model per entity", response=schemas.listing(SHARING))
def get_sharing():
    admin()
    return jsonify({"data": sharing_json()})


@api.patch("/sharing")
@operation(body=SHARING_INPUT, response=schemas.listing(SHARING))
def update_sharing():
    """Body ``{entity: "private" | "public_read" | "public_rw"}``."""
    admin()
    data = body()
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    unknown = {k: _("No such entity.") for k in data if k not in runtime().registry.entities}
    if unknown:
        raise ValidationError(_("Some fields are not valid."), unknown)
    for name, model in data.items():
        set_sharing(runtime().registry.get(name), model)
    session().commit()
    return jsonify({"data": sharing_json()})


# --- users -------------------------------------------------------------------

@api.get("/users")
@operation(query=schemas.UserArgs, response=schemas.listing(schemas.Colleague))
def list_users():
    """Administrators: every user, with filters ``active``, ``role_id``, ``q``; others: active colleagues' names."""
    user = current_user_or_none()
    stmt = sa.select(User).order_by(User.name, User.id)
    if not user.is_admin:
        return jsonify({"data": [users.colleague_json(u) for u in session().scalars(stmt.where(User.active))]})
    if request.args.get("active") in ("true", "1", "false", "0"):
        stmt = stmt.where(User.active.is_(request.args["active"] in ("true", "1")))
    role_id = int_param(request.args, "role_id", minimum=1)
    if role_id is not None:
        stmt = stmt.where(User.role_id == role_id)
    if request.args.get("q"):
        pattern = f"%{request.args['q'].strip().lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).like(pattern), User.email.like(pattern)))
    return jsonify({"data": [users.user_json(u) for u in session().scalars(stmt)]})


@api.post("/users")
@operation("Create a user", body=schemas.UserInput, response=schemas.User, status=201)
def create_user():
    admin()
    user = users.create_user(body())
    session().commit()
    return jsonify(users.user_json(user)), 201


@api.get("/users/<int:user_id>")
@operation("One user", response=schemas.User)
def get_user(user_id):
    admin()
    return jsonify(users.user_json(users.get_user(user_id)))


@api.patch("/users/<int:user_id>")
@operation("Change a user", body=schemas.UserInput(partial=True), response=schemas.User)
def update_user(user_id):
    acting = admin()
    user = users.update_user(users.get_user(user_id), body(), acting)
    session().commit()
    return jsonify(users.user_json(user))


@api.delete("/users/<int:user_id>")
@operation(response=schemas.User)
def deactivate_user(user_id):
    """Users are never deleted (their records and audit trail point at them); they are deactivated."""
    acting = admin()
    user = users.deactivate_user(users.get_user(user_id), acting)
    session().commit()
    return jsonify(users.user_json(user))


@api.post("/users/<int:user_id>/transfer")
@operation(body=schemas.TransferInput, response=schemas.Purged)
def transfer_user_records(user_id):
    """Body ``{"to_user_id": 7, "entities": ["accounts"]}`` (entities optional: all).

    200 with the records moved per entity; a large transfer answers 202 with the
    records to move and the ``core.transfer`` job to poll (``GET /api/v1/jobs/<id>``).
    """
    acting = admin()
    source = users.get_user(user_id)
    data = body()
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    started = transfer.start(source, data.get("to_user_id"), acting, data.get("entities"))
    session().commit()
    answer = {"data": started.moved, "total": sum(started.moved.values())}
    if started.job_id is None:
        return jsonify(answer)
    return jsonify({**answer, "job": session().get(Job, started.job_id).to_json()}), 202
