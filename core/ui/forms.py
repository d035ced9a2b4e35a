"""Create and edit forms generated from the entity's fields (custom fields included).

Form input is turned into the same dict the API accepts and goes through
``records.create`` / ``records.update``; a ``ValidationError``'s ``fields`` are
shown next to each input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import session
from core.entities import picklists
from core.entities.display import display_values, shown_values
from core.runtime import runtime
from core.security.models import User


@dataclass
class FormField:
    field: object
    widget: str
    options: list
    block: str
    show_values: list | None = None  # a conditional field: the controlling field's values that show it


WIDGETS = {"longtext": "textarea", "boolean": "checkbox", "picklist": "select", "multipicklist": "multiselect",
           "reference": "reference", "user": "select", "date": "date", "datetime": "datetime-local",
           "integer": "number", "decimal": "decimal", "money": "decimal", "percent": "decimal",
           "email": "email", "url": "url", "phone": "tel"}


def block_labels(entity) -> dict[str, str]:
    """Headings of the field blocks: the core's own, then the entity's ``blocks``."""
    labels = {"main": _("Details"), "address": _("Address"), "description": _("Description"),
              "custom": _("Additional fields")}
    labels.update({name: str(label) for name, label in (entity.blocks or {}).items()})
    return labels


def form_value(f, form, key: str | None = None):
    """One field's submitted value in API form (strings; the schema coerces them)."""
    key = key or f.name
    if f.type == "boolean":
        return form.get(key) in ("1", "true", "on")
    if f.type == "multipicklist":
        return [v for v in form.getlist(key) if v]
    raw = form.get(key, "").strip()
    if raw and f.extra.get("month") and MONTH.fullmatch(raw):  # <input type=month> sends YYYY-MM
        return f"{raw}-01"
    return raw or None


MONTH = re.compile(r"\d{4}-\d{2}")


def unresolved_references(fields, form) -> dict[str, str]:
    """Reference inputs where text was typed but no record picked: an error each, never silently dropped."""
    shown = set(form.getlist("_fields"))
    return {f.name: _("“%(text)s” is not one of the suggestions: pick a record from the list or create it with + New.",
                      text=form.get(f"{f.name}__text", "").strip())
            for f in fields if f.type == "reference" and f.name in shown and not form.get(f.name, "").strip()
            and form.get(f"{f.name}__text", "").strip()}


def submitted(fields, form) -> dict:
    """The API-form values of the fields the form showed (``_fields``); others are left untouched."""
    shown = set(form.getlist("_fields"))
    data = {f.name: form_value(f, form) for f in fields if not f.readonly and f.name in shown}
    if "owner_id" in form:
        data["owner_id"] = form.get("owner_id") or None
    return {k: v for k, v in data.items() if not (k == "owner_id" and v is None)}


def user_choices() -> list[tuple[int, str]]:
    return session().execute(sa.select(User.id, User.name).where(User.active).order_by(User.name)).all()


def form_fields(entity, hidden: set[str] = frozenset()) -> list[FormField]:
    """The inputs of ``entity``'s form, without read-only fields and those hidden from the user."""
    out = []
    users = None
    for f in runtime().registry.fields(entity):
        if f.readonly or f.name in hidden:
            continue
        options: list = []
        if f.type in ("picklist", "multipicklist"):
            options = [(v.value, picklists.label_for(f.picklist, v.value)) for v in picklists.values(f.picklist)
                       if v.active]
        elif f.type == "user":
            users = users if users is not None else user_choices()
            options = users
        widget = "month" if f.extra.get("month") else WIDGETS.get(f.type, "text")
        out.append(FormField(f, widget, options, f.block or ("custom" if f.custom else "main"),
                             shown_values(f) if f.show_when else None))
    return out


def reference_titles(entity, record: dict, user) -> dict:
    """Titles of the referenced records the form shows beside their ids."""
    if not record:
        return {}
    ids = {f.name for f in runtime().registry.fields(entity) if f.type in ("reference", "user")} | {"owner_id"}
    typed = {k: (as_id(v) if k in ids else v) for k, v in record.items()}  # form input arrives as text
    return display_values(entity, [typed], user)[0]


def as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
