"""Browser sessions the server can end: logout, log out everywhere, password change, deactivation.

Flask keeps the session in a signed cookie, which stays valid as long as the secret key does.
So each login also writes a :class:`~core.security.models.UserSession` row and puts its random
id into the cookie; a request is logged in only while that row exists (checked by the user
loader in the same query that loads the user).  Ending a session deletes its row: a cookie
captured before the logout no longer opens anything.  Sessions also end after :data:`MAX_AGE`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import session as cookie

from core import clock
from core.db import session
from core.security.models import User, UserSession

COOKIE_KEY = "crm_sid"
MAX_AGE = dt.timedelta(days=30)


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(user: User) -> None:
    """Call right after ``login_user``: a new session row, named in the cookie (commit with the request)."""
    session_id = secrets.token_urlsafe(32)
    cookie[COOKIE_KEY] = session_id
    session().execute(sa.delete(UserSession).where(UserSession.created_at <= clock.now() - MAX_AGE))
    session().add(UserSession(id_hash=digest(session_id), user_id=user.id, created_at=clock.now()))


def logged_in_user(user_id: int) -> User | None:
    """The active user ``user_id`` when the cookie's session is still open on the server, else None."""
    session_id = cookie.get(COOKIE_KEY)
    if not isinstance(session_id, str):
        return None
    return session().scalar(
        sa.select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, User.active, UserSession.id_hash == digest(session_id),
               UserSession.created_at > clock.now() - MAX_AGE))


def end_current() -> None:
    """End the session of this request (logout)."""
    session_id = cookie.pop(COOKIE_KEY, None)
    if isinstance(session_id, str):
        session().execute(sa.delete(UserSession).where(UserSession.id_hash == digest(session_id)))


def end_all(user: User, keep_current: bool = False) -> None:
    """End every session of ``user`` (log out everywhere), except this request's when ``keep_current``."""
    stmt = sa.delete(UserSession).where(UserSession.user_id == user.id)
    current = cookie.get(COOKIE_KEY) if keep_current else None
    if isinstance(current, str):
        stmt = stmt.where(UserSession.id_hash != digest(current))
    session().execute(stmt)
