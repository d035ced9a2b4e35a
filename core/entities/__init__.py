"""Entities: declarations, fields, records, queries.  What plugin authors import."""
from core.entities.declaration import (Entity, Picklist, PicklistValue, RelatedList, language_labels,  # noqa: F401
                                       picklist_value, picklist_values)
from core.entities.fields import Field, FieldValueError  # noqa: F401
