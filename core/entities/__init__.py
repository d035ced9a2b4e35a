"""Entities: declarations, fields, records, queries.  What plugin authors import."""
from core.entities.declaration import Entity, Picklist, PicklistValue, RelatedList, picklist_values  # noqa: F401
from core.entities.fields import Field, FieldValueError  # noqa: F401
