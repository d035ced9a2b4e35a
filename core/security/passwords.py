"""The password policy, applied wherever a person chooses a password (forms, API, ``plugcrm init``).

At least :data:`MIN_LENGTH` characters, not one of the 30,000 most common passwords (the list
zxcvbn ships, compared without regard to case), and not the user's own email address.
Passwords already stored are not checked again: the policy applies when a password is set.
"""
from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password, email: str = "") -> str | None:
    """Why ``password`` may not be chosen (translated), or None when it may."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return _("At least %(n)s characters.", n=MIN_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return _("This password is one of the most common ones; choose one that is harder to guess.")
    email = (email or "").strip().lower()
    if email and lowered in (email, email.split("@")[0]):
        return _("Do not use your email address as the password.")
    return None
