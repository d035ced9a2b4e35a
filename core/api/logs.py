"""Read-only, administrator-only views of the audit log and the login log.

Only ``GET`` routes exist: nothing in the API can change or remove a log row.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request

from core.api import schemas
from core.api.blueprint import api
from core.api.admin import admin
from core.api.contract import operation
from core.api.paging import bool_arg, datetime_arg, int_arg, page_args, page_json, raise_if
from core.audit import AuditEntry, entry_json, login_json
from core.security.models import LoginEvent
from core.db import session


def paged(stmt, model, to_json, page: int, per_page: int):
    total = session().execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session().scalars(stmt.order_by(model.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return page_json([to_json(r) for r in rows], page, per_page, total)


def time_filters(stmt, column, errors: dict):
    since, until = datetime_arg(request.args, "since", errors), datetime_arg(request.args, "until", errors)
    if since is not None:
        stmt = stmt.where(column >= since)
    if until is not None:
        stmt = stmt.where(column < until)
    return stmt


@api.get("/audit")
@operation(query=schemas.AuditArgs, response=schemas.paged(schemas.AuditEntry))
def audit_log():
    """Filters: ``entity``, ``record_id``, ``user_id``, ``action``, ``since``, ``until``; paging."""
    admin()
    errors: dict = {}
    page, per_page = page_args(request.args, errors)
    stmt = sa.select(AuditEntry)
    for name in ("entity", "action"):
        if request.args.get(name):
            stmt = stmt.where(getattr(AuditEntry, name) == request.args[name])
    for name in ("record_id", "user_id"):
        value = int_arg(request.args, name, errors)
        if value is not None:
            stmt = stmt.where(getattr(AuditEntry, name) == value)
    stmt = time_filters(stmt, AuditEntry.at, errors)
    raise_if(errors)
    return jsonify(paged(stmt, AuditEntry, entry_json, page, per_page))


@api.get("/login-log")
@operation(query=schemas.LoginLogArgs, response=schemas.paged(schemas.LoginEvent))
def login_log():
    """Filters: ``email``, ``user_id``, ``ip``, ``success``, ``method``, ``since``, ``until``; paging."""
    admin()
    errors: dict = {}
    page, per_page = page_args(request.args, errors)
    stmt = sa.select(LoginEvent)
    for name in ("email", "ip", "method"):
        if request.args.get(name):
            value = request.args[name].strip()
            stmt = stmt.where(getattr(LoginEvent, name) == (value.lower() if name == "email" else value))
    user_id = int_arg(request.args, "user_id", errors)
    if user_id is not None:
        stmt = stmt.where(LoginEvent.user_id == user_id)
    success = bool_arg(request.args, "success", errors)
    if success is not None:
        stmt = stmt.where(LoginEvent.success.is_(success))
    stmt = time_filters(stmt, LoginEvent.at, errors)
    raise_if(errors)
    return jsonify(paged(stmt, LoginEvent, login_json, page, per_page))
