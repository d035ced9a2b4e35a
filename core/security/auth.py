"""Authentication: browser sessions (Flask-Login) and per-user API tokens."""
from __future__ import annotations

import datetime as dt
import logging
from functools import cache, partial

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from flask_babel import gettext as _
from flask_login import LoginManager, current_user

from core.db import after_session_closed, session, utcnow
from core.errors import Unauthorized
from core.runtime import runtime
from core.security.login import record_token_failure
from core.security.models import ApiToken, User
from core.security.sessions import logged_in_user

TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
log = logging.getLogger("plugcrm.auth")
login_manager = LoginManager()
login_manager.login_view = "ui.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    """The active user whose server-side session the cookie names (:mod:`core.security.sessions`)."""
    try:
        return logged_in_user(int(user_id))
    except ValueError:
        return None


def user_from_token(header: str | None):
    """The active user owning a non-revoked token given as ``Bearer <token>``."""
    if not header or not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    if not token:
        return None
    row = session().execute(token_owner_query(), {"token_hash": ApiToken.hash(token)}).first()
    if row is None:
        if has_request_context():
            g.crm_token_failed = True  # logged by log_token_failure once the request is answered
        return None
    user, token_id, last_used_at = row
    now = utcnow()
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_INTERVAL:
        # At most once a minute, in a transaction of its own after the request: a GET never commits.
        after_session_closed(partial(touch_token, runtime().engine, token_id, now))
    return user


@cache
def token_owner_query() -> sa.Select:
    """Built once: every API call runs it, and building a statement costs as much as running this one."""
    return (sa.select(User, ApiToken.id, ApiToken.last_used_at).join(ApiToken, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None), User.active))


def touch_token(engine, token_id: int, when: dt.datetime) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(ApiToken.__table__).where(ApiToken.__table__.c.id == token_id)
                         .values(last_used_at=when))
    except sa.exc.SQLAlchemyError:  # the request has been answered; a missed "last used" is not worth a 500
        log.warning("could not record the use of API token %s", token_id, exc_info=True)


def current_user_or_none():
    """The user of this request, or None outside requests / when anonymous.

    A request that sends ``Authorization: Bearer ...`` is authenticated by that token alone: the
    session cookie is ignored, so a made-up bearer header (which skips the CSRF check) opens nothing.
    """
    if not has_request_context():
        return g.get("crm_user") if g else None
    if "crm_user" in g:
        return g.crm_user
    if is_bearer_request():
        user = user_from_token(request.headers.get("Authorization"))
    else:
        user = current_user._get_current_object() if current_user and current_user.is_authenticated else None
    g.crm_user = user
    return user


def is_bearer_request() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def require_api_login():
    """``before_request``: every ``/api/v1`` route (core or plugin) needs a user, unless public.

    Runs before the CSRF check so an anonymous call is answered 401, whatever its method.
    """
    if not (request.path + "/").startswith("/api/v1/") or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "plugcrm_public", False) or request.endpoint in PUBLIC_API_ENDPOINTS:
        return None
    if current_user_or_none() is None:
        raise Unauthorized(_("Log in or send an API token (Authorization: Bearer ...)."))
    return None


PUBLIC_API_ENDPOINTS = {"api.openapi"}


def log_token_failure(response):
    """``after_request``: put a bearer token that matched nothing into the login log."""
    if g.pop("crm_token_failed", False):
        record_token_failure()
    return response


def public_endpoint(view):
    """Mark a plugin view as reachable without logging in (web forms, telephony callbacks)."""
    view.plugcrm_public = True
    return view
