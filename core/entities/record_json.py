"""The API form of a record: which keys, in which order, converted how.

Every API answer, webhook body and list page shows records this way.  The per-field decisions
(which type needs converting, which values sit in the custom-field JSON column) are taken once per
entity and definitions generation (:func:`plan_for`), so a list page pays only for the values
themselves: :func:`rows_to_json` turns database rows straight into that form without building the
Python-form record first.
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Callable

from core import generations
from core.entities.declaration import Entity
from core.entities.fields import Field, FieldType, FieldValueError
from core.entities.picklists import GENERATION
from core.runtime import runtime

Converter = Callable[[Any], Any] | None  # Python form → JSON form; None: the value is already JSON
TRAILING_PLAIN = ("version", "created_by_id", "updated_by_id")
TIMESTAMPS = ("created_at", "updated_at", "deleted_at")


def timestamp_json(value) -> str:
    """A stored UTC timestamp as ISO 8601 with ``Z``."""
    return value.isoformat().replace("+00:00", "Z")


def converter(f: Field) -> Converter:
    kind = f.kind
    return None if type(kind).to_json is FieldType.to_json else kind.to_json


@dataclass(frozen=True)
class JsonPlan:
    """The keys of an entity's API form in order: columns read as they are, then custom fields, then the rest."""

    leading: tuple[tuple[str, Converter], ...]  # id, number, owner, built-in fields
    custom: tuple[tuple[Field, Converter], ...]  # active custom fields (stored in the JSON column)
    trailing: tuple[tuple[str, Converter], ...]  # version, authors, timestamps


def build_plan(entity: Entity, fields: list[Field]) -> JsonPlan:
    leading = [("id", None)]
    if entity.numbering:
        leading.append(("number", None))
    if entity.owned:
        leading.append(("owner_id", None))
    leading += [(f.name, converter(f)) for f in fields if not f.custom]
    trailing = [(name, None) for name in TRAILING_PLAIN] + [(name, timestamp_json) for name in TIMESTAMPS]
    return JsonPlan(tuple(leading), tuple((f, converter(f)) for f in fields if f.custom), tuple(trailing))


def plan_for(entity: Entity) -> JsonPlan:
    """The plan for ``entity``'s current fields, shared by the process until definitions change."""
    return generations.cached(GENERATION, ("json_plan", entity.name),
                              lambda: build_plan(entity, runtime().registry.fields(entity)))


def custom_from_storage(f: Field, stored):
    """A custom field's value as read from the JSON column, in Python form."""
    if stored is None or stored == "" or stored == []:
        return [] if f.type == "multipicklist" else None
    try:
        return f.kind.coerce(f, stored)
    except FieldValueError:
        return None  # a value written before the field's type was changed; shown as empty


def to_json(entity: Entity, record: dict) -> dict:
    """A record dict (Python form) in its API form."""
    plan = plan_for(entity)
    out: dict[str, Any] = {}
    for name, convert in plan.leading:
        value = record.get(name)
        out[name] = value if convert is None or value is None else convert(value)
    for f, convert in plan.custom:
        value = record.get(f.name)
        out[f.name] = value if convert is None or value is None else convert(value)
    for name, convert in plan.trailing:
        value = record.get(name)
        out[name] = value if convert is None or value is None else convert(value)
    if out["deleted_at"] is None:
        del out["deleted_at"]
    return out


def rows_to_json(entity: Entity, keys: list[str], rows) -> list[dict]:
    """Rows of ``SELECT <entity's table>`` (columns ``keys``) in API form: ``to_json`` of each row's record.

    The values are copied column by column in C (``itemgetter``, ``zip``); only the few typed ones
    (dates, amounts, timestamps) are then converted in place, which keeps the keys' order.
    """
    plan = plan_for(entity)
    position = {key: i for i, key in enumerate(keys)}
    leading_names = tuple(name for name, _convert in plan.leading)
    trailing_names = tuple(name for name, _convert in plan.trailing)
    leading = itemgetter(*(position[name] for name in leading_names))
    trailing = itemgetter(*(position[name] for name in trailing_names))
    convert = [(name, fn) for name, fn in plan.leading + plan.trailing if fn is not None]
    custom_at = position["custom"]
    items = []
    for row in rows:
        out = dict(zip(leading_names, leading(row)))
        if plan.custom:
            stored = row[custom_at] or {}
            for f, fn in plan.custom:
                value = custom_from_storage(f, stored.get(f.name))
                out[f.name] = value if fn is None or value is None else fn(value)
        out.update(zip(trailing_names, trailing(row)))
        for name, fn in convert:
            value = out[name]
            if value is not None:
                out[name] = fn(value)
        if out["deleted_at"] is None:
            del out["deleted_at"]
        items.append(out)
    return items
