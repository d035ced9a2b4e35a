"""Logging in: password check, the login log, and rate limiting per account and per address.

The login log (:class:`core.security.models.LoginEvent`) is also the rate limiter's
memory, so the limits hold across threads, processes and restarts.  Failed
attempts within :data:`WINDOW` are counted three ways:

* one email from one address (since that pair's last success): :data:`MAX_FAILURES`;
* one email from anywhere (guessing spread over many machines): :data:`MAX_FAILURES_PER_ACCOUNT`;
* one address, any email (one machine trying many accounts): :data:`MAX_FAILURES_PER_IP`.

The account and address limits do not apply to a pair that has logged in
successfully before (a known person at a known address): otherwise fifty
made-up emails from an office's one NAT address would lock out the whole office,
and a stranger's guesses would lock the real user out of their own account.
Once over a limit, attempts are refused without checking the password until the
window has passed.  Behind a reverse proxy set ``trusted_proxies`` so the address
is the client's, not the proxy's (:func:`core.app.create_app`).

Every attempt that gets past the limiter hashes a password, also for an unknown
email (against a dummy hash), so answer times do not tell which emails exist.
Check, password verification and log write happen under a lock striped by
(IP, email), so concurrent threads of one process cannot slip extra guesses
between the count and the write.  The attempt is committed here, whatever its
outcome, because a failed login must stay logged even though the request fails.
"""
from __future__ import annotations

import datetime as dt
import math
import secrets
import threading
import zlib
from functools import cache

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from core import clock, signals
from core.db import session
from core.errors import TooManyRequests
from core.security.models import LoginEvent, User

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES = 5
MAX_FAILURES_PER_ACCOUNT = 20
MAX_FAILURES_PER_IP = 50
_locks = [threading.Lock() for _ in range(64)]


def client_ip() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def client_agent() -> str:
    return (request.user_agent.string or "")[:300] if has_request_context() else ""


def authenticate(email: str, password: str):
    """The active user with this email and password, or None; raises 429 when rate limited."""
    email = (email or "").strip().lower()[:254]
    ip = client_ip()
    with _locks[zlib.crc32(f"{ip}|{email}".encode()) % len(_locks)]:
        wait = seconds_blocked(ip, email)
        if wait:
            record_attempt(email, None, False, "rate_limited")
            raise TooManyRequests(rate_limit_message(wait))
        user = session().scalar(sa.select(User).where(User.email == email)) if email else None
        if not password_matches(user, password or ""):
            record_attempt(email, user, False, "wrong_password")
            return None
        if not user.active:
            record_attempt(email, user, False, "inactive")
            return None
        user.last_login_at = clock.now()
        record_attempt(email, user, True, None)
        return user


@cache
def dummy_hash() -> str:
    """A hash made like real ones, checked for unknown emails so they take as long as known ones."""
    return generate_password_hash(secrets.token_urlsafe(16))


def password_matches(user, password: str) -> bool:
    if user is None:
        check_password_hash(dummy_hash(), password)
        return False
    return user.check_password(password)


def rate_limit_message(wait: float) -> str:
    # two messages rather than ngettext: Flask-Babel merges catalogues and keeps the last one's
    # plural rule, which breaks plural forms in Korean and Chinese when a plugin has no catalogue
    minutes = math.ceil(wait / 60)
    if minutes <= 1:
        return _("Too many failed logins. Try again in a minute.")
    return _("Too many failed logins. Try again in %(minutes)d minutes.", minutes=minutes)


def seconds_blocked(ip: str, email: str) -> float:
    """Seconds until ``(ip, email)`` may try again (0: now); see the module docstring for the limits."""
    now = clock.now()
    failures = sa.and_(LoginEvent.success.is_(False), LoginEvent.method == "password",
                       LoginEvent.reason != "rate_limited", LoginEvent.at > now - WINDOW)
    last_success = session().scalar(sa.select(sa.func.max(LoginEvent.at)).where(
        LoginEvent.success.is_(True), LoginEvent.ip == ip, LoginEvent.email == email))
    pair = failures & (LoginEvent.ip == ip) & (LoginEvent.email == email)
    if last_success is not None:  # a known person at a known address is not held back by others' failures
        limits = [(pair & (LoginEvent.at > last_success), MAX_FAILURES)]
    else:
        limits = [(pair, MAX_FAILURES), (failures & (LoginEvent.email == email), MAX_FAILURES_PER_ACCOUNT),
                  (failures & (LoginEvent.ip == ip), MAX_FAILURES_PER_IP)]
    for condition, limit in limits:
        times = session().scalars(sa.select(LoginEvent.at).where(condition)
                                  .order_by(LoginEvent.at.desc()).limit(limit)).all()
        if len(times) >= limit:
            # blocked until the oldest of the last ``limit`` failures leaves the window
            return max(1.0, (times[-1] + WINDOW - now).total_seconds())
    return 0.0


def record_attempt(email: str, user, success: bool, reason: str | None, method: str = "password") -> None:
    """Write and commit one login-log row (see the module docstring for why it commits)."""
    sess = session()
    sess.add(LoginEvent(at=clock.now(), user_id=getattr(user, "id", None), email=email, method=method,
                        success=success, reason=reason, ip=client_ip(), user_agent=client_agent()))
    sess.commit()
    signals.user_logged_in.send(None, user=user, email=email, success=success, ip=client_ip(),
                                user_agent=client_agent())


def record_token_failure() -> None:
    """Log an API call whose bearer token matched no active token (called once per request)."""
    sess = session()
    sess.rollback()  # whatever the failed request did is discarded anyway
    sess.add(LoginEvent(at=clock.now(), user_id=None, email="", method="token", success=False,
                        reason="bad_token", ip=client_ip(), user_agent=client_agent()))
    sess.commit()
