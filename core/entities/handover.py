"""Saves a plugin's own services make with extra permissions (an approval step, a job, a shipment).

A plugin's ``crm_before_save`` refuses, for example, a change to an approved
quote, a status typed by a user or a change to a confirmed order's line; the
plugin's services make exactly those changes, so they run their save inside
:func:`allowed` naming what they may do (with the values they hand over), and
``crm_before_save`` asks :func:`is_allowed` / :func:`handed`.  Names are the
plugin's own (quotes: ``order_status``, ``shipment``; inventory:
``inventory.po_status``, ``inventory.received``).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

_allowed: ContextVar[dict] = ContextVar("handover_allowed", default={})


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
