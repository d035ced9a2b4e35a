"""Workflow conditions: operators per field type, checked when saved, explained when evaluated.

A condition is ``{"field": "amount", "op": "gt", "value": "10000000"}``.  The
operators offered depend on the field's type (as Vtiger offers them), and
every type also has ``has_changed``, ``changed_to`` and ``changed_from``.
On create, a field "has changed" when it was given a value.

Expressions (with the built-in functions and those plugins contribute through
``crm_workflow_functions``) work in conditions too, in these shapes:

* ``{"expr": "maintenance_days_left(end_date) < 30"}`` - holds when the expression is true;
* ``{"expr": "maintenance_days_left(end_date)", "op": "lt", "value": 30}`` - the operators of the
  expression's type (a plain function's result takes the number, text and date operators);
* ``{"field": "maintenance_days_left(end_date)", "op": "lt", "value": 30}`` - the same, written as a field;
* ``{"field": "end_date", "op": "before", "value": {"expr": "add_days(today(), 30)"}}`` - a value
  computed when the condition is checked.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.bounds import MAX_DAYS
from core.entities.declaration import Entity
from core.entities.fields import FieldValueError
from core.plugin_api import translator
from plugins.workflows import expressions as ex
from plugins.workflows.fieldpaths import FieldPath, RecordView, expression_type_of, resolve

_, _l = translator("workflows")

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
#: operators of an expression's result, by expression type; a plain plugin function returns "any"
EXPRESSION_OPS = {
    ex.NUMBER: NUMBER_OPS, ex.TEXT: TEXT_OPS, ex.DATE: DATE_OPS, ex.DATETIME: DATE_OPS, ex.BOOLEAN: BOOLEAN_OPS,
    ex.ANY: tuple(dict.fromkeys(NUMBER_OPS + TEXT_OPS + DATE_OPS + BOOLEAN_OPS)),
}
EXPRESSION_FIELD_TYPES = {ex.NUMBER: "decimal", ex.TEXT: "text", ex.DATE: "date", ex.DATETIME: "datetime",
                          ex.BOOLEAN: "boolean"}
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
    #: a value computed when checked (``{"expr": ...}``), with the functions it may call
    value_expr: ex.Expression | None = None
    functions: dict | None = None

    @property
    def reads_change(self) -> bool:
        return self.op in CHANGE_OPS

    @property
    def reads(self) -> set[str]:
        """Field paths the condition depends on (loop detection)."""
        return {self.path.path} | (set(self.value_expr.fields) if self.value_expr else set())

    @property
    def label(self) -> str:
        return self.path.path

    def with_value(self, new: RecordView) -> "Condition":
        """This condition with its computed value filled in (a plain value is returned as it is)."""
        if self.value_expr is None:
            return self
        raw = self.value_expr.evaluate(new.value, self.functions or {})
        try:
            value = None if raw is None else runtime_value(self.path.field, raw)
        except (ConditionError, TypeError, ValueError):
            value = None
        return Condition(self.path, self.op, value)

    def holds(self, new: RecordView, old: RecordView | None, today: dt.date) -> bool:
        """The fast path used on every save; :meth:`evaluate` adds the explanation for the run log."""
        actual = new.value(self.path.path)
        if self.op in CHANGE_OPS:
            before = old.value(self.path.path) if old is not None else None
            return self.evaluate_change(before, actual, old is None)
        condition = self.with_value(new)
        if self.value_expr is not None and condition.value is None:
            return False
        return bool(condition.test(actual, today))

    def evaluate(self, new: RecordView, old: RecordView | None, today: dt.date) -> dict:
        """``{field, op, value, actual, held}``: the result and the value that decided it."""
        actual = new.value(self.path.path)
        if self.op in CHANGE_OPS:
            before = old.value(self.path.path) if old is not None else None
            held = self.evaluate_change(before, actual, old is None)
            shown = {"from": plain(before), "to": plain(actual)}
            value = self.value
        else:
            condition = self.with_value(new)
            value = condition.value
            held = False if self.value_expr is not None and value is None else condition.test(actual, today)
            shown = plain(actual)
        entry = {"field": self.path.path, "op": self.op, "value": plain(value), "actual": shown, "held": bool(held)}
        if self.value_expr is not None:
            entry["value_expr"] = self.value_expr.source
        return entry

    def evaluate_change(self, before, after, created: bool) -> bool:
        return change_held(self.op, self.value, before, after, created)

    def test(self, actual, today: dt.date) -> bool:
        op, value = self.op, self.value
        decided = decided_without_value(op, actual)
        if decided is not None:
            return decided
        if self.path.field.type in ("date", "datetime"):
            return test_date(op, as_local_date(actual), value, today)
        return test_value(op, actual, value, self.path.field.type)


def change_held(op: str, value, before, after, created: bool) -> bool:
    changed = not empty(after) if created else normal(before) != normal(after)
    if op == "has_changed":
        return changed
    if op == "changed_to":
        return changed and normal(after) == normal(value)
    return changed and not created and normal(before) == normal(value)


VALUELESS_TESTS = {"is_empty": lambda v: empty(v), "is_not_empty": lambda v: not empty(v),
                   "is_set": lambda v: not empty(v), "is_true": lambda v: v is True,
                   "is_false": lambda v: v is not True}


def decided_without_value(op: str, actual) -> bool | None:
    """The result of an operator that compares with no value, or of any operator on an empty value."""
    if op in VALUELESS_TESTS:
        return VALUELESS_TESTS[op](actual)
    if empty(actual):
        return op in ("is_not", "ne", "not_contains")
    return None


def runtime_value(f, raw):
    """A computed condition value in the field's own type (a date for a date field, a number...)."""
    if f.type in ("date", "datetime"):
        return as_local_date(raw) if isinstance(raw, dt.date) else as_local_date(f.kind.coerce(f, raw))
    return f.kind.coerce(f, raw)


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

def compile_condition(entity: Entity, raw, functions: dict | None = None):
    """Check one condition against the entity's fields (custom fields included) and functions."""
    if not isinstance(raw, dict):
        raise ConditionError("field", _("A condition is an object with field, op and value."))
    functions = functions if functions is not None else dict(ex.BUILTINS)
    if "expr" in raw:
        return compile_expression_condition(entity, raw.get("expr"), raw, functions, "expr")
    path = raw.get("field")
    resolved = resolve(entity, path) if isinstance(path, str) else None
    if resolved is None:
        if isinstance(path, str) and "(" in path:  # a function call written where a field goes
            return compile_expression_condition(entity, path, raw, functions, "field")
        raise ConditionError("field", _("Unknown field %(name)s.", name=path))
    op = raw.get("op")
    allowed = operators_for(resolved.field.type)
    if op not in allowed:
        raise ConditionError("op", _("Unknown operator %(op)s for this field; use one of: %(ops)s.", op=op,
                                     ops=", ".join(allowed)))
    if op in CHANGE_OPS and resolved.reference is not None:
        raise ConditionError("op", _("Changes can only be watched on the record's own fields."))
    value = raw.get("value")
    if isinstance(value, dict) and set(value) == {"expr"}:
        if op in NO_VALUE or op in DAY_OPS or op in ("between", "in") or op in CHANGE_OPS:
            raise ConditionError("value", _("This operator does not take a computed value."))
        try:
            expression = ex.compile_expression(value["expr"], expression_type_of(entity), functions)
        except ex.ExpressionError as exc:
            raise ConditionError("value.expr", str(exc)) from None
        return Condition(resolved, op, None, expression, functions)
    return Condition(resolved, op, condition_value(resolved, op, value))


@dataclass(frozen=True)
class ExpressionCondition:
    """A condition on an expression's result, e.g. ``maintenance_days_left(end_date) < 30``."""

    expression: ex.Expression
    op: str
    value: Any
    functions: dict
    field_type: str  # the field type whose operators and value rules apply ("decimal", "date", ...)

    @property
    def reads_change(self) -> bool:
        return self.op in CHANGE_OPS

    @property
    def reads(self) -> set[str]:
        return set(self.expression.fields)

    def result(self, view: RecordView):
        try:
            return self.expression.evaluate(view.value, self.functions)
        except Exception:  # a plugin function that fails is "no value", never a failed save
            return None

    def held(self, new: RecordView, old: RecordView | None, today: dt.date) -> tuple[bool, Any, Any]:
        actual = self.result(new)
        if self.op in CHANGE_OPS:
            before = self.result(old) if old is not None else None
            held = change_held(self.op, self.value, before, actual, old is None)
            return held, {"from": plain(before), "to": plain(actual)}, actual
        if self.op is None:
            return actual is True, plain(actual), actual
        return bool(self.test(actual, today)), plain(actual), actual

    def test(self, actual, today: dt.date) -> bool:
        op, value = self.op, self.value
        decided = decided_without_value(op, actual)
        if decided is not None:
            return decided
        try:
            if self.field_type in ("date", "datetime") or isinstance(actual, dt.date):
                if not isinstance(actual, dt.date):
                    return False
                return test_date(op, as_local_date(actual), value, today)
            if isinstance(actual, (int, float)) and not isinstance(actual, bool):
                actual = ex.to_number(actual)
            kind = "text" if isinstance(actual, str) else "decimal"
            if kind == "text" and op in NUMBER_OPS and op not in ("eq", "ne"):
                return False
            return test_value(op, actual, str(value) if kind == "text" else value, kind)
        except TypeError:  # e.g. a number compared with a text value
            return False

    def holds(self, new: RecordView, old: RecordView | None, today: dt.date) -> bool:
        return self.held(new, old, today)[0]

    @property
    def label(self) -> str:
        return self.expression.source

    def evaluate(self, new: RecordView, old: RecordView | None, today: dt.date) -> dict:
        held, shown, _actual = self.held(new, old, today)
        return {"field": self.expression.source, "expr": True, "op": self.op or "is_true",
                "value": plain(self.value), "actual": shown, "held": bool(held)}


def compile_expression_condition(entity: Entity, source, raw: dict, functions: dict,
                                 key: str) -> ExpressionCondition:
    try:
        expression = ex.compile_expression(source, expression_type_of(entity), functions)
    except ex.ExpressionError as exc:
        raise ConditionError(key, str(exc)) from None
    op = raw.get("op")
    if op is None:
        if key == "field" or expression.type not in (ex.BOOLEAN, ex.ANY):
            raise ConditionError("op", _("Choose an operator, or write an expression that is true or false."))
        return ExpressionCondition(expression, None, None, functions, "boolean")
    allowed = EXPRESSION_OPS[expression.type] + CHANGE_OPS
    if op not in allowed:
        raise ConditionError("op", _("Unknown operator %(op)s for this field; use one of: %(ops)s.", op=op,
                                     ops=", ".join(allowed)))
    field_type = EXPRESSION_FIELD_TYPES.get(expression.type, "any")
    value = raw.get("value")
    if op in NO_VALUE or (op in ("changed_to", "changed_from") and value in (None, "")):
        return ExpressionCondition(expression, op, None, functions, field_type)
    if op in DAY_OPS:
        if (isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit()
                or int(value) > MAX_DAYS):
            raise ConditionError("value", _("Give a whole number of days."))
        return ExpressionCondition(expression, op, int(value), functions, "date")
    return ExpressionCondition(expression, op, any_value(field_type, op, value), functions, field_type)


def any_value(field_type: str, op: str, raw):
    """The comparison value of an expression condition, read by the expression's type (or guessed for "any")."""
    if raw is None or raw == "" or isinstance(raw, (dict, bool)):
        raise ConditionError("value", _("A value is required for this operator."))
    if op in ("between", "in"):
        if not isinstance(raw, list) or not raw or (op == "between" and len(raw) != 2):
            raise ConditionError("value", _("Give two values.") if op == "between" else _("Give a list of values."))
        return [any_value(field_type, "is", item) for item in raw]
    if isinstance(raw, list):
        raise ConditionError("value", _("A value is required for this operator."))
    text = str(raw).strip()
    if field_type == "text" or op in PARTIAL_TEXT_OPS:
        return text
    if field_type in ("date", "datetime") or (field_type == "any" and op in ("before", "after")):
        return as_date(text)
    if field_type == "decimal" or op in NUMBER_OPS:
        return as_number(text)
    if field_type == "boolean":
        raise ConditionError("op", _("Choose an operator, or write an expression that is true or false."))
    for reader in (as_date, as_number):  # "any": what the value looks like
        try:
            return reader(text)
        except ConditionError:
            continue
    return text


def as_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConditionError("value", _("Not a valid date (YYYY-MM-DD).")) from None


def as_number(text: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ConditionError("value", _("Not a valid number."))
    return number


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
