"""Picklists: contributed with defaults by plugins, owned by administrators afterwards."""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from core import generations
from core.bounds import is_int
from core.db import session
from core.errors import NotFound, ValidationError
from core.i18n import current_language, pick_label
from core.entities.models import PicklistRow, PicklistValueRow

COLOUR_RE = r"^#[0-9a-fA-F]{6}$"
GENERATION = "meta"  # picklists and custom fields share one counter


def install_defaults(sess, picklists) -> int:
    """Write the picklists a plugin contributes the first time they are seen."""
    existing = set(sess.scalars(sa.select(PicklistRow.name)))
    added = 0
    for plugin, picklist in picklists:
        if picklist.name in existing:
            continue
        sess.add(PicklistRow(name=picklist.name, plugin=plugin))
        sess.flush()
        for position, v in enumerate(picklist.values):
            sess.add(PicklistValueRow(picklist=picklist.name, value=v.value, labels=dict(v.labels),
                                      position=position, active=v.active, colour=v.colour,
                                      extra=dict(v.extra)))
        added += 1
    if added:
        generations.bump(GENERATION, sess)
    return added


@dataclass(frozen=True)
class PicklistValue:
    """A picklist value as read from the database; shared by every request, so never changed."""

    id: int
    picklist: str
    value: str
    labels: dict
    position: int
    active: bool
    colour: str | None
    extra: dict


def load_values(name: str) -> tuple[PicklistValue, ...] | None:
    if session().get(PicklistRow, name) is None:
        return None
    rows = session().scalars(sa.select(PicklistValueRow).where(PicklistValueRow.picklist == name)
                             .order_by(PicklistValueRow.position, PicklistValueRow.id))
    return tuple(PicklistValue(r.id, r.picklist, r.value, dict(r.labels or {}), r.position, r.active, r.colour,
                               dict(r.extra or {})) for r in rows)


def values(name: str, include_inactive: bool = True) -> tuple[PicklistValue, ...] | list[PicklistValue]:
    """The values of picklist ``name`` in order, from the process-wide cache (see :mod:`core.generations`)."""
    rows = generations.cached(GENERATION, ("picklist", name), lambda: load_values(name))
    if rows is None:
        raise NotFound(_("Unknown picklist %(name)s.", name=name))
    return rows if include_inactive else [r for r in rows if r.active]


def changed(sess=None) -> None:
    """Call in the transaction that changed picklists or custom fields: every process reloads them."""
    generations.bump(GENERATION, sess)


def active_values(name: str) -> set[str]:
    return generations.cached(GENERATION, ("active", name), lambda: {r.value for r in values(name) if r.active})


def label_for(name: str, value: str | None) -> str | None:
    """The label of ``value`` in picklist ``name`` in the current language (the value itself when the
    picklist has no such value; ``None`` for ``None``).  Also the Jinja global ``picklist_label``:
    ``{{ picklist_label("quote_status", q.status) or "" }}``."""
    if value is None:
        return None
    return labels(name).get(value, value)


def labels(name: str) -> dict[str, str]:
    """``{value: label}`` in the current language (cached per language: a list page asks per cell)."""
    language = current_language()
    return generations.cached(GENERATION, ("labels", name, language),
                              lambda: {row.value: pick_label(row.labels, row.value) for row in values(name)})


def value_to_json(row: PicklistValueRow) -> dict:
    return {"value": row.value, "label": pick_label(row.labels, row.value), "labels": row.labels,
            "order": row.position, "active": row.active, "colour": row.colour, "extra": row.extra}


def add_value(name: str, data: dict) -> PicklistValueRow:
    values(name)  # 404 for an unknown picklist
    value = str(data.get("value") or "").strip()
    errors = {}
    if not value or len(value) > 64:
        errors["value"] = _("A value of 1 to 64 characters is required.")
    elif value in {r.value for r in values(name)}:
        errors["value"] = _("This value already exists.")
    row = PicklistValueRow(picklist=name, value=value, labels={}, extra={})
    errors.update(apply_changes(row, data))
    if errors:
        raise ValidationError(_("The picklist value is not valid."), errors)
    if "order" not in data:
        row.position = max((r.position for r in values(name)), default=-1) + 1
    session().add(row)
    changed()
    return row


def update_value(name: str, value: str, data: dict) -> PicklistValueRow:
    values(name)  # 404 for an unknown picklist
    row = session().scalar(sa.select(PicklistValueRow).where(PicklistValueRow.picklist == name,
                                                             PicklistValueRow.value == value))
    if row is None:
        raise NotFound(_("Unknown picklist value %(value)s.", value=value))
    errors = apply_changes(row, {k: v for k, v in data.items() if k != "value"})
    if errors:
        raise ValidationError(_("The picklist value is not valid."), errors)
    changed()
    return row


def apply_changes(row: PicklistValueRow, data: dict) -> dict:
    errors = {}
    if "label" in data or "labels" in data:
        labels = dict(row.labels or {})
        if isinstance(data.get("labels"), dict):
            labels.update({str(k): str(v) for k, v in data["labels"].items()})
        if isinstance(data.get("label"), str):
            labels[current_language()] = data["label"].strip()
        row.labels = labels
    if "order" in data:
        if not is_int(data["order"]):
            errors["order"] = _("Must be a whole number.")
        else:
            row.position = data["order"]
    if "active" in data:
        if not isinstance(data["active"], bool):
            errors["active"] = _("Must be true or false.")
        else:
            row.active = data["active"]
    if "colour" in data:
        if data["colour"] is not None and not re.match(COLOUR_RE, str(data["colour"])):
            errors["colour"] = _("A colour such as #1e88e5.")
        else:
            row.colour = data["colour"]
    if "extra" in data:
        if not isinstance(data["extra"], dict):
            errors["extra"] = _("Must be an object.")
        else:
            row.extra = data["extra"]
    return errors
