"""The identity automatic work acts as when no user is saving (scheduled runs, delayed tasks, expiry jobs)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """An administrator-equivalent actor with no user row: audit entries show no user.

    Scheduled work is set up by administrators, so its automatic reads and
    writes have administrator reach; ``id`` is ``None`` so audit rows and
    ``updated_by_id`` say "system" rather than naming a person.
    """

    id: None = None
    name: str = "system"
    email: str = ""
    is_admin: bool = True
    active: bool = True
    role_id: None = None
    language: None = None
    is_authenticated: bool = True
    is_anonymous: bool = False


_SYSTEM = SystemActor()


def system_actor() -> SystemActor:
    return _SYSTEM
