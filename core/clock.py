"""The application's notion of "now" (UTC, timezone-aware).

Everything time-based - due jobs, retry backoff, reminders, scheduled
workflows, quote expiry - asks :func:`now` instead of ``datetime.now`` so a
test can move time deterministically (``set_now`` / the ``crm_clock``
fixture) instead of sleeping.  The override is process-wide: worker threads
see the same moved clock as the test that moved it.
"""
from __future__ import annotations

import datetime as dt
import threading

_lock = threading.Lock()
_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time in UTC (the fixed time while a test has set one)."""
    fixed = _fixed
    return fixed if fixed is not None else dt.datetime.now(dt.timezone.utc)


def set_now(moment: dt.datetime) -> dt.datetime:
    """Freeze the clock at ``moment`` (naive values are taken as UTC)."""
    global _fixed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    with _lock:
        _fixed = moment.astimezone(dt.timezone.utc)
    return _fixed


def advance(delta: dt.timedelta | None = None, **kwargs) -> dt.datetime:
    """Move a frozen clock forward (``advance(minutes=5)``); freezes a running one first."""
    step = delta if delta is not None else dt.timedelta(**kwargs)
    return set_now(now() + step)


def reset() -> None:
    """Back to the real time."""
    global _fixed
    with _lock:
        _fixed = None


def is_frozen() -> bool:
    return _fixed is not None
