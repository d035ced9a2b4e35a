"""The list view's filter panel: one input (or pair) per field type, named like the API's parameters."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import session
from core.entities import picklists
from core.entities.query import visible_select
from core.runtime import runtime
from core.security.models import User

TEXT_TYPES = {"text", "longtext", "email", "url", "phone"}
NUMBER_TYPES = {"integer", "decimal", "money", "percent"}
DATE_TYPES = {"date", "datetime"}
SKIPPED = {"id", "version"}


@dataclass
class FilterSpec:
    """One field's filter inputs: ``kind`` picks the widget, ``keys`` are the query parameters."""

    field: object
    kind: str
    keys: list[str]
    values: dict = dc_field(default_factory=dict)
    options: list[tuple[str, str]] = dc_field(default_factory=list)
    empty_key: str = ""

    @property
    def active(self) -> bool:
        return any(self.values.get(k) for k in self.keys) or bool(self.values.get(self.empty_key))


def user_options() -> list[tuple[str, str]]:
    rows = session().execute(sa.select(User.id, User.name).where(User.active).order_by(User.name)).all()
    return [(str(i), n) for i, n in rows]


def picklist_options(f) -> list[tuple[str, str]]:
    return [(v.value, picklists.label_for(f.picklist, v.value)) for v in picklists.values(f.picklist) if v.active]


def spec_for(f, users) -> FilterSpec | None:
    name = f.name
    if name in SKIPPED:
        return None
    if f.type in TEXT_TYPES:
        return FilterSpec(f, "text", [f"{name}__contains"])
    if f.type in NUMBER_TYPES:
        return FilterSpec(f, "range", [f"{name}__gte", f"{name}__lte"])
    if f.type in DATE_TYPES:
        return FilterSpec(f, "daterange", [f"{name}__gte", f"{name}__lte"])
    if f.type == "picklist":
        return FilterSpec(f, "multi", [f"{name}__in"], options=picklist_options(f))
    if f.type == "multipicklist":
        return FilterSpec(f, "choice", [f"{name}__contains"], options=picklist_options(f))
    if f.type == "boolean":
        return FilterSpec(f, "choice", [name], options=[("true", _("Yes")), ("false", _("No"))])
    if f.type == "user":
        return FilterSpec(f, "choice", [name], options=users)
    if f.type == "reference":
        return FilterSpec(f, "reference", [name])
    return None


def filter_specs(entity, fields: dict, args, user=None) -> list[FilterSpec]:
    users = user_options()
    specs = []
    for f in fields.values():
        spec = spec_for(f, users)
        if spec is None:
            continue
        spec.empty_key = f"{f.name}__isnull"
        for key in spec.keys + [spec.empty_key]:
            raw = args.get(key, "")
            spec.values[key] = raw.split(",") if key.endswith("__in") and raw else raw
        if spec.kind == "reference" and spec.values[f.name]:
            spec.options = [(spec.values[f.name], reference_title(f, spec.values[f.name], user))]
        specs.append(spec)
    return specs


def reference_title(f, raw: str, user) -> str:
    """The title of the record a reference filter names, if the user may see it."""
    target = runtime().registry.get(f.target)
    table = target.table
    try:
        record_id = int(raw)
    except ValueError:
        return ""
    stmt = visible_select(target, user, table.c[target.title_field]).where(table.c.id == record_id)
    return session().scalar(stmt) or ""
