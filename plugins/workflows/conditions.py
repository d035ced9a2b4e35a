"""Workflow conditions: operators per field type, checked when saved, explained when evaluated.

A condition is ``{"field": "amount", "op": "gt", "value": "10000000"}``.  The
operators offered depend on the field's type (as Vtiger offers them), and
every type also has ``has_changed``, ``changed_to`` and ``changed_from``.
On create, a field "has changed" when it was given a value.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from core.bounds import MAX_DAYS
from core.entities.declaration import Entity
from core.entities.fields import FieldValueError
from plugins.workflows.fieldpaths import FieldPath, RecordView, resolve

CHANGE_OPS = ("has_changed", "changed_to", "changed_from")
EMPTY_OPS = ("is_empty", "is_not_empty")
TEXT_OPS = ("is", "is_not", "contains", "not_contains", "starts_with", "ends_with") + EMPTY_OPS
NUMBER_OPS = ("eq", "ne", "lt", "lte", "gt", "gte") + EMPTY_OPS
PICKLIST_OPS = ("is", "is_not", "in") + EMPTY_OPS
MULTI_OPS = ("contains", "not_contains") + EMPTY_OPS
DATE_OPS = ("is", "before", "after", "between", "is_today", "in_less_than_days", "in_more_than_days",
            "less_than_days_ago", "more_than_days_ago") + EMPTY_OPS
BOOLEAN_OPS = ("is_true", "is_false")
REFERENCE_OPS = ("is", "is_empty", "is_set")
USER_OPS = ("is", "is_not") + EMPTY_OPS

OPERATORS_BY_TYPE = {
    "text": TEXT_OPS, "longtext": TEXT_OPS, "email": TEXT_OPS, "url": TEXT_OPS, "phone": TEXT_OPS,
    "integer": NUMBER_OPS, "decimal": NUMBER_OPS, "money": NUMBER_OPS, "percent": NUMBER_OPS,
    "picklist": PICKLIST_OPS, "multipicklist": MULTI_OPS, "date": DATE_OPS, "datetime": DATE_OPS,
    "boolean": BOOLEAN_OPS, "reference": REFERENCE_OPS, "user": USER_OPS,
}
NO_VALUE = {"is_empty", "is_not_empty", "is_today", "is_true", "is_false", "has_changed", "is_set"}
DAY_OPS = {"in_less_than_days", "in_more_than_days", "less_than_days_ago", "more_than_days_ago"}
TEXT_TYPES = {"text", "longtext", "email", "url", "phone"}
PARTIAL_TEXT_OPS = {"contains", "not_contains", "starts_with", "ends_with"}


class ConditionError(ValueError):
    """A condition that cannot be used; ``key`` says which part (field, op, value)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


def operators_for(field_type: str) -> tuple[str, ...]:
    return OPERATORS_BY_TYPE.get(field_type, EMPTY_OPS) + CHANGE_OPS


@dataclass(frozen=True)
class Condition:
    path: FieldPath
    op: str
    value: Any = None

    @property
    def reads_change(self) -> bool:
        return self.op in CHANGE_OPS

    def holds(self, new: RecordView, old: RecordView | None, today: dt.date) -> bool:
        """The fast path used on every save; :meth:`evaluate` adds the explanation for the run log."""
        actual = new.value(self.path.path)
        if self.op in CHANGE_OPS:
            before = old.value(self.path.path) if old is not None else None
            return self.evaluate_change(before, actual, old is None)
        return bool(self.test(actual, today))

    def evaluate(self, new: RecordView, old: RecordView | None, today: dt.date) -> dict:
        """``{field, op, value, actual, held}``: the result and the value that decided it."""
        actual = new.value(self.path.path)
        if self.op in CHANGE_OPS:
            before = old.value(self.path.path) if old is not None else None
            held = self.evaluate_change(before, actual, old is None)
            shown = {"from": plain(before), "to": plain(actual)}
        else:
            held = self.test(actual, today)
            shown = plain(actual)
        return {"field": self.path.path, "op": self.op, "value": plain(self.value), "actual": shown,
                "held": bool(held)}

    def evaluate_change(self, before, after, created: bool) -> bool:
        changed = not empty(after) if created else normal(before) != normal(after)
        if self.op == "has_changed":
            return changed
        if self.op == "changed_to":
            return changed and normal(after) == normal(self.value)
        return changed and not created and normal(before) == normal(self.value)

    def test(self, actual, today: dt.date) -> bool:
        op, value = self.op, self.value
        if op == "is_empty":
            return empty(actual)
        if op in ("is_not_empty", "is_set"):
            return not empty(actual)
        if op == "is_true":
            return actual is True
        if op == "is_false":
            return actual is not True
        if empty(actual):
            return op in ("is_not", "ne", "not_contains")
        if self.path.field.type in ("date", "datetime"):
            return test_date(op, as_local_date(actual), value, today)
        return test_value(op, actual, value, self.path.field.type)


def test_value(op: str, actual, value, field_type: str) -> bool:
    if field_type in TEXT_TYPES:
        actual, value = str(actual).casefold(), str(value).casefold()
    if op in ("is", "eq"):
        return actual == value
    if op in ("is_not", "ne"):
        return actual != value
    if op == "in":
        return actual in value
    if op == "contains":
        return value in actual
    if op == "not_contains":
        return value not in actual
    if op == "starts_with":
        return actual.startswith(value)
    if op == "ends_with":
        return actual.endswith(value)
    return {"lt": actual < value, "lte": actual <= value, "gt": actual > value, "gte": actual >= value}[op]


def test_date(op: str, day: dt.date, value, today: dt.date) -> bool:
    if op == "is":
        return day == value
    if op == "before":
        return day < value
    if op == "after":
        return day > value
    if op == "between":
        return value[0] <= day <= value[1]
    if op == "is_today":
        return day == today
    days = dt.timedelta(days=value)
    if op == "in_less_than_days":
        return today <= day <= today + days
    if op == "in_more_than_days":
        return day > today + days
    if op == "less_than_days_ago":
        return today - days <= day <= today
    return day < today - days  # more_than_days_ago


def as_local_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        from core.i18n import deployment_tz

        return value.astimezone(deployment_tz()).date()
    return value


def empty(value) -> bool:
    return value is None or value == "" or value == []


def normal(value):
    return None if empty(value) else value


def plain(value):
    """A JSON-friendly form for the run log."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


# --- compiling definitions -------------------------------------------------

def compile_condition(entity: Entity, raw) -> Condition:
    """Check one condition against the entity's fields (custom fields included)."""
    if not isinstance(raw, dict):
        raise ConditionError("field", _("A condition is an object with field, op and value."))
    path = raw.get("field")
    resolved = resolve(entity, path) if isinstance(path, str) else None
    if resolved is None:
        raise ConditionError("field", _("Unknown field %(name)s.", name=path))
    op = raw.get("op")
    allowed = operators_for(resolved.field.type)
    if op not in allowed:
        raise ConditionError("op", _("Unknown operator %(op)s for this field; use one of: %(ops)s.", op=op,
                                     ops=", ".join(allowed)))
    if op in CHANGE_OPS and resolved.reference is not None:
        raise ConditionError("op", _("Changes can only be watched on the record's own fields."))
    return Condition(resolved, op, condition_value(resolved, op, raw.get("value")))


def condition_value(path: FieldPath, op: str, raw):
    if op in NO_VALUE:
        return None
    if op in DAY_OPS:
        if (isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().isdigit()
                or int(raw) > MAX_DAYS):
            raise ConditionError("value", _("Give a whole number of days."))
        return int(raw)
    if op in ("between", "in"):
        if not isinstance(raw, list) or not raw or (op == "between" and len(raw) != 2):
            message = _("Give two values.") if op == "between" else _("Give a list of values.")
            raise ConditionError("value", message)
        return [coerce(path, item) for item in raw]
    if raw is None or raw == "":
        if op in ("changed_to", "changed_from"):
            return None
        raise ConditionError("value", _("A value is required for this operator."))
    if op in PARTIAL_TEXT_OPS and path.field.type in TEXT_TYPES:
        if not isinstance(raw, (str, int)) or isinstance(raw, bool):
            raise ConditionError("value", _("Not a valid text."))
        return str(raw).strip()  # a part of an email address or phone number is not a full one
    return coerce(path, raw)


def coerce(path: FieldPath, raw):
    f = path.field
    kind = f.kind
    if f.type == "multipicklist":
        return str(raw).strip()
    try:
        value = kind.coerce(f, raw)
    except FieldValueError as exc:
        raise ConditionError("value", str(exc)) from None
    if f.type == "datetime":
        return as_local_date(value)
    return value
