"""Authentication: browser sessions (Flask-Login) and per-user API tokens."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import LoginManager, current_user

from core.db import session, utcnow

login_manager = LoginManager()
login_manager.login_view = "ui.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    from core.security.models import User

    try:
        user = session().get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


def user_from_token(header: str | None):
    """The active user owning a non-revoked token given as ``Bearer <token>``."""
    from core.security.models import ApiToken, User

    if not header or not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    if not token:
        return None
    row = session().execute(
        sa.select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == ApiToken.hash(token), ApiToken.revoked_at.is_(None), User.active)
    ).first()
    if row is None:
        return None
    token_row, user = row
    token_row.last_used_at = utcnow()
    return user


def current_user_or_none():
    """The user of this request (token or session), or None outside requests / when anonymous."""
    if not has_request_context():
        return g.get("crm_user") if g else None
    if "crm_user" in g:
        return g.crm_user
    user = user_from_token(request.headers.get("Authorization"))
    g.crm_token_auth = user is not None
    if user is None and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()
    g.crm_user = user
    return user


def public_endpoint(view):
    """Mark a plugin view as reachable without logging in (web forms, telephony callbacks)."""
    view.plugcrm_public = True
    return view
