"""Per-minute rate limits for public endpoints (the ``limits`` library, in-process memory).

Memory storage counts per process: with N gunicorn workers a caller gets at
most N times the limit, which is what it is for (stopping bursts), not an
exact quota.  Used by web forms' submissions and telephony callbacks.
"""
from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

storage = MemoryStorage()
limiter = MovingWindowRateLimiter(storage)


def allow(*allowances: tuple[str, str, int]) -> bool:
    """Take one hit from every ``(scope, key, per_minute)`` allowance; False (and no hit) when any is spent."""
    items = [(RateLimitItemPerMinute(per_minute), scope, key) for scope, key, per_minute in allowances]
    if not all(limiter.test(item, scope, key) for item, scope, key in items):
        return False
    return all([limiter.hit(item, scope, key) for item, scope, key in items])


def reset() -> None:
    storage.reset()
