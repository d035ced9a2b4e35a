"""Keep payload secrets out of log lines: a job's error text may quote its payload."""
from __future__ import annotations

import re

SECRET_NAME = re.compile(r"passw(or)?d|secret|token|api[_-]?key|credential", re.IGNORECASE)
MASK = "***"


def secret_values(payload) -> set[str]:
    """The string values held under secret-looking keys (``password``, ``token``, ``api_key`` ...), at any depth."""
    found: set[str] = set()

    def walk(value, secret: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, secret or bool(SECRET_NAME.search(str(key))))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, secret)
        elif secret and value not in (None, ""):
            found.add(str(value))

    walk(payload, False)
    return found


def error_line(exc: BaseException, payload) -> str:
    """``Type: message`` on one line, with the payload's secret values masked."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    for secret in sorted(secret_values(payload), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
