"""The entity's input schema, applied to many rows without marshmallow's per-call machinery.

``Schema.load`` walks every declared field through generic getters, error
stores and option checks for each row, about a fifth of an import's time.
:class:`RowSchema` takes the same :class:`~core.entities.schemas.CRMField`
objects from :func:`~core.entities.schemas.schema_for` and applies the same
rules (required, null, each field's conversion and validators, unknown keys
refused), raising the same ``marshmallow.ValidationError`` messages; the
records service uses it in place of the schema for an import's new records.
"""
from __future__ import annotations

import marshmallow as ma

from core.entities.schemas import schema_for


class RowSchema:
    """``load(body)`` as ``schema_for(entity, fields).load(body, partial=False)`` with ``unknown=RAISE``."""

    def __init__(self, entity, fields):
        schema = schema_for(entity, fields)
        self.fields = dict(schema.load_fields)
        self.unknown_message = schema.error_messages["unknown"]

    def load(self, data: dict, *, partial: bool = False) -> dict:
        if partial:
            raise ValueError("RowSchema validates complete new records only")
        values: dict = {}
        errors: dict = {}
        for name, field in self.fields.items():
            if name not in data:
                if field.required:
                    errors[name] = field.make_error("required").messages
                continue
            value = data[name]
            if value is None:
                if field.allow_none:
                    values[name] = None
                else:
                    errors[name] = field.make_error("null").messages
                continue
            try:
                values[name] = field._deserialize(value, name, data)
            except ma.ValidationError as exc:
                errors[name] = exc.messages
        for name in data:
            if name not in self.fields:
                errors[name] = [self.unknown_message]
        if errors:
            raise ma.ValidationError(errors)
        return values
