"""Turning the cells of one file row into a record's input values.

The records service validates the result exactly as it validates the API's
JSON; this module only translates what people type into spreadsheets:
picklist labels in any language, references by name or number, users by
e-mail or name, and the apostrophe our exporter puts before ``= + - @``.
References are resolved for a whole batch with one query per field, always
through :func:`core.entities.query.visible_select`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dc_field

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import session
from core.entities import picklists
from core.entities.fields import Field, FieldValueError
from core.entities.query import visible_select
from core.importexport.mapping import normalise
from core.runtime import runtime
from core.security.models import User

NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


@dataclass
class ConvertedRow:
    number: int
    cells: list
    data: dict = dc_field(default_factory=dict)
    errors: dict = dc_field(default_factory=dict)  # {header: reason}
    deferred: dict = dc_field(default_factory=dict)  # {field: header}: a name of a record earlier in the file
    key: tuple | None = None  # the importer's match key, in stored form


class RowConverter:
    """Converts rows of one file for one entity, given ``{header: field}``."""

    def __init__(self, entity, headers: list[str], mapping: dict[str, str], user, *, formulas_are_errors: bool):
        self.entity = entity
        self.user = user
        self.formulas_are_errors = formulas_are_errors
        fields = runtime().registry.field_map(entity)
        self.columns: list[tuple[int, str, Field | None]] = []
        for index, header in enumerate(headers):
            name = mapping.get(header)
            if name:
                self.columns.append((index, header, fields.get(name)))
        self.column_of = {name: header for header, name in mapping.items()}
        self.choice_maps = {f.name: choice_map(f.picklist) for _i, _h, f in self.columns
                            if f is not None and f.type in ("picklist", "multipicklist")}
        self.chosen: dict[str, dict] = {name: {} for name in self.choice_maps}  # cell text → value, per field
        self.user_map: dict[str, int] | None = None

    def convert(self, raw_rows: list[tuple[int, list]]) -> list[ConvertedRow]:
        rows = [self.convert_cells(number, cells) for number, cells in raw_rows]
        for index, header, f in self.columns:
            if f is not None and f.type == "reference":
                self.resolve_references(rows, header, f)
            elif f is not None and f.type == "user" or f is None and self.mapping_target(header) == "owner_id":
                self.resolve_users(rows, header, f.name if f else "owner_id")
        return rows

    def mapping_target(self, header: str) -> str | None:
        return next((name for name, h in self.column_of.items() if h == header), None)

    def convert_cells(self, number: int, cells: list) -> ConvertedRow:
        row = ConvertedRow(number, cells)
        for index, header, f in self.columns:
            value = cells[index] if index < len(cells) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            name = f.name if f is not None else self.mapping_target(header)
            if isinstance(value, str):
                value = value.strip()
                if value.startswith(NEUTRALISED):
                    value = value[1:]
                elif value.startswith("=") and self.formulas_are_errors:
                    row.errors[header] = _("Formula cells are not imported; paste the values instead.")
                    continue
            elif isinstance(value, float) and f is not None and f.kind.name in ("text", "phone", "picklist"):
                value = int(value) if value.is_integer() else value
            elif isinstance(value, dt.time):
                value = value.isoformat()
            if f is not None and f.type == "picklist":
                value = self.choice(f, value, value)
            elif f is not None and f.type == "multipicklist":
                parts = [p for p in str(value).replace(",", ";").split(";") if p.strip()]
                value = [self.choice(f, p, p.strip()) for p in parts]
            row.data[name] = value
        return row

    def choice(self, f: Field, text, unknown):
        """The picklist value ``text`` names (a value or a label in any language), else ``unknown``."""
        chosen = self.chosen[f.name]
        if text not in chosen:
            chosen[text] = self.choice_maps[f.name].get(normalise(text), unknown)
        return chosen[text]

    def resolve_references(self, rows: list[ConvertedRow], header: str, f: Field) -> None:
        wanted = {str(r.data[f.name]) for r in rows if f.name in r.data}
        if not wanted:
            return
        found = reference_lookup(runtime().registry.get(f.target), wanted, self.user)
        for r in rows:
            if f.name not in r.data:
                continue
            ids = found.get(str(r.data[f.name]), set())
            if not ids and f.target == self.entity.name:
                r.deferred[f.name] = header  # perhaps a row above in this file: looked up after it is written
            else:
                self.settle(r, f, header, ids)

    def resolve_deferred(self, row: ConvertedRow) -> None:
        """Look up the self-references of ``row`` again, now that the rows above it are written."""
        for name, header in row.deferred.items():
            f = runtime().registry.field_map(self.entity)[name]
            text = str(row.data[name])
            self.settle(row, f, header, reference_lookup(self.entity, {text}, self.user).get(text, set()))
        row.deferred.clear()

    def settle(self, row: ConvertedRow, f: Field, header: str, ids: set[int]) -> None:
        if len(ids) == 1:
            row.data[f.name] = next(iter(ids))
            return
        row.errors[header] = (_("No record named %(name)s, or you cannot see it.", name=row.data[f.name])
                              if not ids else
                              _("Several records are named %(name)s; use the number instead.",
                                name=row.data[f.name]))
        del row.data[f.name]

    def resolve_users(self, rows: list[ConvertedRow], header: str, name: str) -> None:
        if self.user_map is None:
            self.user_map = user_lookup()
        for r in rows:
            if name not in r.data:
                continue
            user_id = self.user_map.get(normalise(r.data[name]))
            if user_id is None:
                r.errors[header] = _("No active user named %(name)s.", name=r.data[name])
                del r.data[name]
            else:
                r.data[name] = user_id


def choice_map(picklist_name: str) -> dict[str, str]:
    """``{normalised value or label in any language: value}`` of a picklist."""
    result: dict[str, str] = {}
    for row in picklists.values(picklist_name):
        result.setdefault(normalise(row.value), row.value)
        for label in (row.labels or {}).values():
            if label:
                result.setdefault(normalise(label), row.value)
    return result


def reference_lookup(target, wanted: set[str], user) -> dict[str, set[int]]:
    """``{text: {ids}}``: records of ``target`` the user can see whose title, number or unique text is ``text``."""
    table = target.table
    keys = [table.c[target.title_field]] if target.title_field in table.c else []
    if target.numbering:
        keys.append(table.c.number)
    keys += [table.c[f.name] for f in target.fields if f.unique and f.kind.name in ("text",)]
    spelled: dict[str, set[str]] = {text: {text} for text in wanted}  # stored spelling → texts in the file
    for f in target.fields:
        if f.unique and f.validators:  # "1234567890" finds the stored "123-45-67890"
            for text in wanted:
                spelled.setdefault(normal_spelling(f, text), set()).add(text)
    found: dict[str, set[int]] = {}
    values = sorted(spelled)
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        stmt = visible_select(target, user, table.c.id, *keys).where(sa.or_(*[k.in_(chunk) for k in keys]))
        for row in session().execute(stmt):
            for key_value in row[1:]:
                for text in spelled.get(str(key_value), ()) if key_value is not None else ():
                    found.setdefault(text, set()).add(row[0])
    return found


def normal_spelling(f: Field, text: str) -> str:
    """``text`` as ``f``'s validators would store it (unchanged when they refuse it)."""
    try:
        value = f.kind.coerce(f, text)
        for validator in f.validators:
            value = validator(value) or value
        return str(value)
    except FieldValueError:
        return text


def user_lookup() -> dict[str, int]:
    """Active users by normalised e-mail and name (a name two users share maps to nobody)."""
    by_key: dict[str, int] = {}
    shared: set[str] = set()
    for user_id, email, name in session().execute(sa.select(User.id, User.email, User.name).where(User.active)):
        by_key[normalise(email)] = user_id
        key = normalise(name)
        if key in by_key and by_key[key] != user_id:
            shared.add(key)
        by_key.setdefault(key, user_id)
    for key in shared:
        by_key.pop(key, None)
    return by_key
