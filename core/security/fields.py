"""Field-level security: the one filter between hidden fields and every way out or in.

Which fields of an entity a user may not see is decided in one place,
:func:`hidden_fields` (administrators see everything; otherwise the union of
what the plugins' ``crm_hidden_fields`` return, e.g. product ``cost`` without
the cost right).  Every path uses it:

* **out** - a record, list item, related list, 360° section, export row or
  history entry passes through :func:`strip_hidden` (record dicts) or
  :func:`visible_changes` (audit changes) before it leaves the server; export
  columns and report dimensions are chosen among the visible fields only;
* **in** - every filter and sort is parsed by
  :func:`core.entities.query.parse_list_args` over
  :func:`core.entities.query.visible_fields`, so the list API and pages,
  reports, exports and vCards all answer "Unknown field." for a hidden one (a
  filter like ``cost__gt=`` would otherwise give the hidden value away by
  bisection); import mappings and match fields
  (:func:`core.importexport.runs.resolve_options`) refuse them the same way.

A hidden field answers exactly like a field that does not exist, so a caller
cannot tell hidden from absent.
"""
from __future__ import annotations

from typing import Iterable

from flask import g

from core.runtime import runtime


def hidden_fields(entity, user) -> frozenset[str]:
    """Fields of ``entity`` that ``user`` may not see (``crm_hidden_fields``; administrators see everything).

    Asked once per entity and user per request or job (cached on ``g``, like
    the rights): one request asks from several places, and a plugin's answer
    may need the database (the cost right reads a picklist).
    """
    if user is None or getattr(user, "is_admin", False):
        return frozenset()
    cache = g.setdefault("_plugcrm_hidden_fields", {})
    key = (entity.name, getattr(user, "id", None))
    if key not in cache:
        cache[key] = frozenset(name for group in runtime().hook.crm_hidden_fields(entity=entity, user=user)
                               for name in group or ())
    return cache[key]


def strip_hidden(item: dict, hidden: Iterable[str]) -> dict:
    """``item`` (a record or an API item, with its ``_display`` if any) minus the ``hidden`` fields."""
    display = item.get("_display")
    for name in hidden:
        item.pop(name, None)
        if isinstance(display, dict):
            display.pop(name, None)
    return item


def visible_changes(changes: dict, hidden: Iterable[str]) -> dict:
    """An audit entry's ``{field: [old, new]}`` without the hidden fields."""
    hidden = set(hidden)
    return {name: change for name, change in changes.items() if name not in hidden}

