"""Logging for the long-running commands (``plugcrm serve``, ``plugcrm worker``): one line per event.

``2026-03-02T09:15:04Z WARNING plugcrm.jobs: job 12 (core.email) attempt 1/5 failed: ...``: stdlib
logging to stderr, timestamps in UTC, level from ``log_level`` in ``config.toml`` or
``PLUGCRM_LOG_LEVEL`` (default INFO).  Tests and library use leave logging alone.
"""
from __future__ import annotations

import logging
import sys
import time

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class UTCFormatter(logging.Formatter):
    converter = time.gmtime


def level_number(name: str) -> int:
    """The numeric level for a name such as ``info`` or ``DEBUG``; ValueError names the choices."""
    level = logging.getLevelName(str(name).strip().upper())
    if not isinstance(level, int):
        raise ValueError(f"unknown log level {name!r} (use DEBUG, INFO, WARNING or ERROR)")
    return level


def configure_logging(level: str = "INFO", stream=None) -> logging.Handler:
    """Send every logger's records at ``level`` and above to ``stream`` (stderr); calling again replaces it."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "plugcrm", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.plugcrm = True
    handler.setFormatter(UTCFormatter(FORMAT, DATE_FORMAT))
    root.addHandler(handler)
    root.setLevel(level_number(level))
    return handler
