"""Saves the plugin's own services make with extra permissions (an approval step, the expiry job, a shipment).

The rules in ``crm_before_save`` refuse, for example, a change to an approved
quote, a status of ``expired`` typed by a user or a change to a confirmed
order's line; the approval service, the expiry job and the shipment service
make exactly those changes, so they run their save inside :func:`allowed`
naming what they may do (with the values they hand over).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

_allowed: ContextVar[dict] = ContextVar("quotes_allowed", default={})


@contextmanager
def allowed(what: str, **data):
    token = _allowed.set({**_allowed.get(), what: data})
    try:
        yield
    finally:
        _allowed.reset(token)


def is_allowed(what: str) -> bool:
    return what in _allowed.get()


def handed(what: str) -> dict:
    return _allowed.get().get(what, {})
