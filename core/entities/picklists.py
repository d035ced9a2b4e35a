"""Picklists: contributed with defaults by plugins, owned by administrators afterwards."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from core.db import session
from core.errors import NotFound, ValidationError
from core.i18n import pick_label
from core.models import PicklistRow, PicklistValueRow

COLOUR_RE = r"^#[0-9a-fA-F]{6}$"


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
    return added


def values(name: str, include_inactive: bool = True) -> list[PicklistValueRow]:
    cache = g.setdefault("_crm_picklists", {})
    if name not in cache:
        if session().get(PicklistRow, name) is None:
            raise NotFound(_("Unknown picklist %(name)s.", name=name))
        cache[name] = list(session().scalars(
            sa.select(PicklistValueRow).where(PicklistValueRow.picklist == name)
            .order_by(PicklistValueRow.position, PicklistValueRow.id)))
    rows = cache[name]
    return rows if include_inactive else [r for r in rows if r.active]


def forget():
    g.pop("_crm_picklists", None)
    g.pop("_crm_picklist_labels", None)


def active_values(name: str) -> set[str]:
    return {r.value for r in values(name) if r.active}


def label_for(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    return labels(name).get(value, value)


def labels(name: str) -> dict[str, str]:
    """``{value: label}`` in the current language, built once per request (a list page asks per cell)."""
    cache = g.setdefault("_crm_picklist_labels", {})
    if name not in cache:
        cache[name] = {row.value: pick_label(row.labels, row.value) for row in values(name)}
    return cache[name]


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
    forget()
    return row


def update_value(name: str, value: str, data: dict) -> PicklistValueRow:
    row = next((r for r in values(name) if r.value == value), None)
    if row is None:
        raise NotFound(_("Unknown picklist value %(value)s.", value=value))
    errors = apply_changes(row, {k: v for k, v in data.items() if k != "value"})
    if errors:
        raise ValidationError(_("The picklist value is not valid."), errors)
    forget()
    return row


def apply_changes(row: PicklistValueRow, data: dict) -> dict:
    import re

    errors = {}
    if "label" in data or "labels" in data:
        labels = dict(row.labels or {})
        if isinstance(data.get("labels"), dict):
            labels.update({str(k): str(v) for k, v in data["labels"].items()})
        if isinstance(data.get("label"), str):
            from core.i18n import current_language
            labels[current_language()] = data["label"].strip()
        row.labels = labels
    if "order" in data:
        if not isinstance(data["order"], int) or isinstance(data["order"], bool):
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
