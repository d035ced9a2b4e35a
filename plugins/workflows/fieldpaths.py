"""Field paths in conditions, expressions and templates: ``amount``, ``cf_deal_size``, ``account.industry``.

A dotted path follows one reference field: ``account.industry`` and
``account_id.industry`` both read the ``industry`` of the record that the
``account_id`` reference points at.  Referenced records are loaded once per
evaluation (see :class:`RecordView`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.entities.declaration import Entity
from core.entities.fields import Field
from core.entities.query import all_fields
from core.runtime import runtime
from plugins.workflows import expressions as ex

EXPRESSION_TYPES = {
    "text": ex.TEXT, "longtext": ex.TEXT, "email": ex.TEXT, "url": ex.TEXT, "phone": ex.TEXT,
    "picklist": ex.TEXT, "multipicklist": ex.ANY, "integer": ex.NUMBER, "decimal": ex.NUMBER,
    "money": ex.NUMBER, "percent": ex.NUMBER, "boolean": ex.BOOLEAN, "date": ex.DATE,
    "datetime": ex.DATETIME, "reference": ex.NUMBER, "user": ex.NUMBER,
}


@dataclass(frozen=True)
class FieldPath:
    path: str
    field: Field                  # the field finally read
    reference: Field | None = None  # the reference followed first, if any

    @property
    def expression_type(self) -> str:
        return EXPRESSION_TYPES.get(self.field.type, ex.ANY)


def resolve(entity: Entity, path: str) -> FieldPath | None:
    """The :class:`FieldPath` for ``path`` on ``entity``, or ``None`` when it names no field."""
    fields = all_fields(entity)
    if "." not in path:
        f = fields.get(path)
        return None if f is None else FieldPath(path, f)
    head, _sep, tail = path.partition(".")
    ref = fields.get(head) or fields.get(f"{head}_id")
    if ref is None or ref.type != "reference" or ref.target not in runtime().registry.entities:
        return None
    target_field = all_fields(runtime().registry.get(ref.target)).get(tail)
    return None if target_field is None else FieldPath(path, target_field, ref)


def expression_type_of(entity: Entity):
    """A ``field_type(path)`` callback for :func:`expressions.compile_expression`."""
    def field_type(path: str):
        resolved = resolve(entity, path)
        return None if resolved is None else resolved.expression_type
    return field_type


class RecordView:
    """Reads field paths from a record dict, loading referenced records on first use."""

    def __init__(self, entity: Entity, record: dict):
        self.entity = entity
        self.record = record
        self._refs: dict[str, dict | None] = {}

    def value(self, path: str) -> Any:
        if "." not in path:
            return self.record.get(path)
        resolved = resolve(self.entity, path)
        if resolved is None or resolved.reference is None:
            return None
        target = self.referenced(resolved.reference)
        return None if target is None else target.get(resolved.field.name)

    def referenced(self, ref: Field) -> dict | None:
        if ref.name not in self._refs:
            target_id = self.record.get(ref.name)
            self._refs[ref.name] = None if target_id is None else load_reference(ref.target, target_id)
        return self._refs[ref.name]


def load_reference(entity_name: str, record_id: int) -> dict | None:
    """A referenced record for a condition or template.

    Workflows act for the deployment (an administrator defined them), so the
    read uses the system actor through the ordinary permission-filtered select.
    """
    from core.db import session
    from core.entities.query import visible_select
    from core.entities.records import entity_fields, row_to_record
    from plugins.workflows.actor import system_actor

    target = runtime().registry.get(entity_name)
    row = session().execute(visible_select(target, system_actor()).where(target.table.c.id == record_id)).first()
    return None if row is None else row_to_record(target, row, entity_fields(target))
