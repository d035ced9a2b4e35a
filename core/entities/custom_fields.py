"""Fields administrators add at run time (``cf_`` names, values in the JSON column)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from core.bounds import is_int
from core.db import session
from core.entities import picklists
from core.entities.fields import FIELD_TYPES
from core.errors import Conflict, NotFound, ValidationError
from core.entities.models import CustomFieldRow, PicklistRow, PicklistValueRow
from core.runtime import runtime

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def add_field(entity, data: dict) -> CustomFieldRow:
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    raw_name = str(data.get("name") or "").strip().lower()
    name = raw_name if raw_name.startswith("cf_") else f"cf_{raw_name}"
    if not NAME_RE.match(raw_name.removeprefix("cf_") or "-"):
        errors["name"] = _("Use lower-case letters, digits and _ (starting with a letter).")
    label = str(data.get("label") or "").strip()
    if not label or len(label) > 200:
        errors["label"] = _("A label of 1 to 200 characters is required.")
    field_type = data.get("type", "text")
    if field_type not in FIELD_TYPES:
        errors["type"] = _("Unknown type; use one of: %(types)s.", types=", ".join(FIELD_TYPES))
    required = data.get("required", False)
    if not isinstance(required, bool):
        errors["required"] = _("Must be true or false.")
    target = data.get("target")
    if field_type == "reference" and target not in runtime().registry.entities:
        errors["target"] = _("Name the entity this field refers to.")
    values = data.get("values") or data.get("picklist_values") or []
    if field_type in ("picklist", "multipicklist"):
        if not isinstance(values, list) or not values:
            errors["values"] = _("A picklist field needs a list of values.")
        elif not all(isinstance(v, (str, dict)) for v in values):
            errors["values"] = _("Values are strings or objects with value and label.")
    existing = {f.name for f in runtime().registry.fields(entity)}
    if not errors and name in existing:
        raise Conflict(_("The field %(name)s already exists.", name=name), fields={"name": _("Already exists.")})
    if errors:
        raise ValidationError(_("The custom field is not valid."), errors)
    sess = session()
    picklist_name = None
    if field_type in ("picklist", "multipicklist"):
        picklist_name = f"{entity.name}.{name}"
        if sess.get(PicklistRow, picklist_name) is None:
            sess.add(PicklistRow(name=picklist_name, plugin="custom"))
            sess.flush()
            for position, item in enumerate(values):
                value = item if isinstance(item, str) else str(item.get("value", ""))
                labels = item.get("labels") if isinstance(item, dict) else None
                label_text = item.get("label") if isinstance(item, dict) else None
                sess.add(PicklistValueRow(picklist=picklist_name, value=value.strip(), position=position,
                                          labels=labels or ({"ko": label_text, "en": label_text,
                                                             "zh_Hans": label_text} if label_text else {}),
                                          extra={}))
    position = (sess.scalar(sa.select(sa.func.max(CustomFieldRow.position))
                            .where(CustomFieldRow.entity == entity.name)) or 0) + 1
    row = CustomFieldRow(entity=entity.name, name=name, label=label,
                         labels=data.get("labels") if isinstance(data.get("labels"), dict) else {},
                         type=field_type, required=required, picklist=picklist_name,
                         target=target if field_type == "reference" else None,
                         max_length=data.get("max_length") if isinstance(data.get("max_length"), int) else None,
                         position=position, block=data.get("block"))
    sess.add(row)
    sess.flush()
    picklists.changed()
    return row


def update_field(entity, name: str, data: dict) -> CustomFieldRow:
    row = session().scalar(sa.select(CustomFieldRow).where(CustomFieldRow.entity == entity.name,
                                                          CustomFieldRow.name == name))
    if row is None:
        raise NotFound(_("Unknown custom field %(name)s.", name=name))
    errors = {}
    for key in ("required", "active"):
        if key in data:
            if not isinstance(data[key], bool):
                errors[key] = _("Must be true or false.")
            else:
                setattr(row, key, data[key])
    if "label" in data:
        if not isinstance(data["label"], str) or not data["label"].strip():
            errors["label"] = _("A label of 1 to 200 characters is required.")
        else:
            row.label = data["label"].strip()
    if "labels" in data and isinstance(data["labels"], dict):
        row.labels = data["labels"]
    if "position" in data:
        if not is_int(data["position"]):
            errors["position"] = _("Must be a whole number.")
        else:
            row.position = data["position"]
    if "type" in data and data["type"] != row.type:
        errors["type"] = _("The type of a field cannot be changed; add a new field instead.")
    if errors:
        raise ValidationError(_("The custom field is not valid."), errors)
    picklists.changed()
    return row
