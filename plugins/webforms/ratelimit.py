"""Per-IP and per-form rate limits for the public endpoint (the ``limits`` library, in-process memory).

Memory storage counts per process: with N gunicorn workers a visitor gets at
most N times the limit, which is what it is for (stopping bursts), not an
exact quota.
"""
from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

storage = MemoryStorage()
limiter = MovingWindowRateLimiter(storage)


def allow(form_key: str, ip: str, per_ip: int, per_form: int) -> bool:
    """Take one hit from both the address's and the form's allowance; False when either is spent."""
    ip_limit, form_limit = RateLimitItemPerMinute(per_ip), RateLimitItemPerMinute(per_form)
    if not limiter.test(ip_limit, "ip", ip) or not limiter.test(form_limit, "form", form_key):
        return False
    return limiter.hit(ip_limit, "ip", ip) and limiter.hit(form_limit, "form", form_key)


def reset() -> None:
    storage.reset()
