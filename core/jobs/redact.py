"""Keep payload secrets out of log lines, stored errors and the jobs API: a job's error text may quote its payload."""
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


def mask_text(text: str | None, payload) -> str | None:
    """``text`` with the payload's secret values replaced by ``***``."""
    if not text:
        return text
    for secret in sorted(secret_values(payload), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def masked_payload(payload):
    """A copy of ``payload`` with the values under secret-looking keys replaced by ``***``, at any depth."""
    if isinstance(payload, dict):
        return {key: MASK if SECRET_NAME.search(str(key)) and value not in (None, "") else masked_payload(value)
                for key, value in payload.items()}
    if isinstance(payload, (list, tuple)):
        return [masked_payload(item) for item in payload]
    return payload


def error_line(exc: BaseException, payload) -> str:
    """``Type: message`` on one line, with the payload's secret values masked."""
    return mask_text(" ".join(f"{type(exc).__name__}: {exc}".split()), payload)
