"""The marshmallow schema generated from an entity declaration (plus its custom fields).

Each field deserialises through its :class:`~core.entities.fields.FieldType`, so
the API, the UI forms and the importer all validate the same way.
"""
from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.entities.declaration import Entity
from core.entities.fields import Field, FieldValueError
from core.runtime import runtime

EMPTY = (None, "", [])


class CRMField(ma.fields.Field):
    """A marshmallow field backed by a plugcrm field type."""

    def __init__(self, spec: Field, **kwargs):
        self.spec = spec
        super().__init__(
            # a required field refuses null too (marshmallow skips _deserialize for allowed None)
            required=spec.required, allow_none=not spec.required,
            error_messages={"required": _l("This field is required."),
                            "null": _l("This field is required.")},
            **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value in EMPTY:
            if self.spec.required:
                raise ma.ValidationError(str(_l("This field is required.")))
            return [] if self.spec.type == "multipicklist" else None
        try:
            value = self.spec.kind.coerce(self.spec, value)
            for validator in self.spec.validators:
                result = validator(value)
                if result is not None:
                    value = result
        except FieldValueError as exc:
            raise ma.ValidationError(str(exc)) from None
        if self.spec.required and value in EMPTY:
            raise ma.ValidationError(str(_l("This field is required.")))
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.spec.kind.to_json(value)


def build_schema(entity: Entity, fields: list[Field]) -> type[ma.Schema]:
    writable = {f.name: CRMField(f) for f in fields if not f.readonly}
    return ma.Schema.from_dict(writable, name=f"{entity.name.title().replace('_', '')}Schema")


def schema_for(entity: Entity, fields: list[Field]) -> ma.Schema:
    """A cached schema instance per entity and custom-field signature."""
    key = (entity.name, tuple((f.name, f.type, f.required, f.max_length, f.picklist) for f in fields))
    cache = runtime().schema_cache
    if key not in cache:
        cache[key] = build_schema(entity, fields)(unknown=ma.RAISE)
    return cache[key]
