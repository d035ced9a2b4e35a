"""The identity workflows act as when no user is saving (scheduled runs, delayed tasks, manual runs)."""
from __future__ import annotations

from core.security.system import SystemActor

__all__ = ["SystemActor", "system_actor"]

# Workflows are defined by administrators, so their automatic reads and writes have administrator reach.
_SYSTEM = SystemActor(name="workflow")


def system_actor() -> SystemActor:
    return _SYSTEM
