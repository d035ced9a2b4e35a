"""Field declarations and field types.

A :class:`Field` is what a plugin (or an administrator, for custom fields)
declares.  Its :class:`FieldType` knows everything type-specific: the column,
how to validate and coerce input, which filter operators apply, how a filter
value in a query string is parsed and how a value is written to JSON.
"""
from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.bounds import MAX_INT, OutOfBounds, check_int, check_year
from core.db import Money, UTCDateTime, json_type
from core.i18n import deployment_tz

TEXT_OPS = ("eq", "ne", "contains", "startswith", "in", "isnull")
ORDERED_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "isnull")
CHOICE_OPS = ("eq", "ne", "in", "isnull")


class FieldValueError(ValueError):
    """A value that does not fit its field; the message is shown to the user."""


@dataclass
class Field:
    """One field of an entity.

    ``name`` is the API name and the column name.  ``search`` puts the field in
    full-text search, ``list`` in the default list columns.  ``validators`` are
    callables that raise :class:`FieldValueError` with a user-facing message.
    ``extra["labels"]`` gives the words of a text field that stores codes
    (``{"per_line": _l("Per line")}``), shown instead of the code;
    ``extra["markup"]`` marks a long text that holds HTML source (a template);
    ``extra["month"]`` a date field that means a month (entered as a month,
    stored as its first day).  ``help`` is shown under the input and in
    ``/api/v1/meta``.  ``show_when`` makes the field conditional: ``(field,
    values)`` shows it only while ``field`` has one of ``values`` - a tuple of
    values, or a dict naming the picklist and matching its values' ``extra``
    (``("stage", {"picklist": "opportunity_stage", "kind": "lost"})``: the lost
    stages, whatever the administrator calls them).
    """

    name: str
    type: str = "text"
    label: Any = None
    required: bool = False
    default: Any = None
    picklist: str | None = None
    target: str | None = None
    search: bool = False
    list: bool = False
    sortable: bool = True
    index: bool = False
    unique: bool = False
    max_length: int | None = None
    min_value: Any = None
    max_value: Any = None
    validators: tuple[Callable[[Any], Any], ...] = ()
    readonly: bool = False
    block: str | None = None
    help: Any = None
    custom: bool = False
    position: int = 0
    extra: dict = dc_field(default_factory=dict)
    aliases: tuple[str, ...] = ()  # other words users head a spreadsheet column with (import matching)
    show_when: tuple[str, Any] | None = None

    @property
    def kind(self) -> "FieldType":
        return FIELD_TYPES[self.type]

    @property
    def column_name(self) -> str:
        return self.name

    def display_label(self) -> str:
        return str(self.label) if self.label is not None else self.name


class FieldType(ABC):
    name = ""
    operators: tuple[str, ...] = CHOICE_OPS
    json_schema: dict = {"type": "string"}

    @abstractmethod
    def column_type(self, f: Field):
        """The SQLAlchemy column type for a built-in field of this type."""

    def coerce(self, f: Field, value):
        """Validate and convert an input value (JSON) to its Python form."""
        return value

    def parse_filter(self, f: Field, raw: str):
        return self.coerce(f, raw)

    def to_json(self, value):
        return value

    def to_storage(self, value):
        """Form stored in the custom-field JSON column."""
        return self.to_json(value)

    def json_expr(self, element):
        """SQL expression for a custom field read out of the JSON column."""
        return element.as_string()


class TextType(FieldType):
    name = "text"
    operators = TEXT_OPS
    default_length = 255

    def column_type(self, f):
        return sa.String(f.max_length or self.default_length)

    def coerce(self, f, value):
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise FieldValueError(_l("Not a valid text."))
        value = value.strip()
        limit = f.max_length or self.default_length
        if limit and len(value) > limit:
            raise FieldValueError(_l("At most %(n)s characters.", n=limit))
        return value


class LongTextType(TextType):
    name = "longtext"
    default_length = 100_000

    def column_type(self, f):
        return sa.Text()


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailType(TextType):
    name = "email"
    default_length = 254

    def coerce(self, f, value):
        value = super().coerce(f, value)
        if value and not EMAIL_RE.match(value):
            raise FieldValueError(_l("Not a valid email address."))
        return value.lower()


class UrlType(TextType):
    name = "url"
    default_length = 500

    def coerce(self, f, value):
        value = super().coerce(f, value)
        if value and not re.match(r"^https?://", value, re.I):
            if re.match(r"^[\w.-]+\.[a-z]{2,}", value, re.I):
                value = "https://" + value
            else:
                raise FieldValueError(_l("Not a valid web address."))
        return value


class PhoneType(TextType):
    """Phone numbers keep what was written; a ``<name>_norm`` column holds E.164 for lookups."""

    name = "phone"
    default_length = 40

    def coerce(self, f, value):
        value = super().coerce(f, value)
        if value and not re.fullmatch(r"[0-9+()\-.\s/]{3,40}(\s*(ext|x|내선)\.?\s*\d+)?", value, re.I):
            raise FieldValueError(_l("Not a valid phone number."))
        return value


class IntegerType(FieldType):
    name = "integer"
    operators = ORDERED_OPS
    json_schema = {"type": "integer"}

    def column_type(self, f):
        return sa.Integer()

    def coerce(self, f, value):
        if isinstance(value, bool):
            raise FieldValueError(_l("Not a valid whole number."))
        try:
            if isinstance(value, str):
                value = value.replace(",", "").strip()
            number = Decimal(str(value))
            if number != number.to_integral_value():
                raise FieldValueError(_l("Not a valid whole number."))
            number = int(number)
        except (InvalidOperation, ValueError, TypeError):
            raise FieldValueError(_l("Not a valid whole number.")) from None
        check_range(f, number)
        return within_bounds(check_int, number)

    def json_expr(self, element):
        return element.as_integer()


class DecimalType(FieldType):
    name = "decimal"
    operators = ORDERED_OPS
    json_schema = {"type": "string", "format": "decimal"}
    places = 4

    def column_type(self, f):
        return sa.Numeric(18, self.places)

    def coerce(self, f, value):
        if isinstance(value, bool):
            raise FieldValueError(_l("Not a valid number."))
        if isinstance(value, float):
            value = repr(value)
        if isinstance(value, str):
            value = re.sub(r"[,\s₩¥￥元원]", "", value)
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError, TypeError):
            raise FieldValueError(_l("Not a valid number.")) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
            raise FieldValueError(_l("Not a valid number."))
        number = number.quantize(Decimal(1).scaleb(-self.places))
        check_range(f, number)
        return number

    def to_json(self, value):
        return None if value is None else str(value)

    def json_expr(self, element):
        return sa.cast(element.as_string(), sa.Numeric(18, self.places))


class MoneyType(DecimalType):
    name = "money"
    places = 2

    def column_type(self, f):
        return Money()


class PercentType(DecimalType):
    name = "percent"
    places = 2

    def column_type(self, f):
        return sa.Numeric(7, 2)

    def coerce(self, f, value):
        if isinstance(value, str):
            value = value.replace("%", "")
        number = super().coerce(f, value)
        if not Decimal(0) <= number <= Decimal(100) and f.max_value is None:
            raise FieldValueError(_l("Must be between 0 and 100."))
        return number


class BooleanType(FieldType):
    name = "boolean"
    operators = ("eq", "ne", "isnull")
    json_schema = {"type": "boolean"}
    TRUE = {"true", "1", "yes", "y", "on", "예", "是"}
    FALSE = {"false", "0", "no", "n", "off", "아니오", "否", ""}

    def column_type(self, f):
        return sa.Boolean()

    def coerce(self, f, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, str)):
            text = str(value).strip().lower()
            if text in self.TRUE:
                return True
            if text in self.FALSE:
                return False
        raise FieldValueError(_l("Not a valid yes/no value."))

    def json_expr(self, element):
        return element.as_boolean()


class DateType(FieldType):
    name = "date"
    operators = ORDERED_OPS
    json_schema = {"type": "string", "format": "date"}

    def column_type(self, f):
        return sa.Date()

    def coerce(self, f, value):
        if isinstance(value, dt.datetime):
            return within_bounds(check_year, value.date())
        if isinstance(value, dt.date):
            return within_bounds(check_year, value)
        if isinstance(value, str):
            text = value.strip().replace("/", "-").replace(".", "-")
            try:
                return within_bounds(check_year, dt.date.fromisoformat(text))
            except FieldValueError:
                raise
            except ValueError:
                pass
        raise FieldValueError(_l("Not a valid date (YYYY-MM-DD)."))

    def to_json(self, value):
        return None if value is None else value.isoformat()


class DateTimeType(FieldType):
    name = "datetime"
    operators = ORDERED_OPS
    json_schema = {"type": "string", "format": "date-time"}

    def column_type(self, f):
        return UTCDateTime()

    def coerce(self, f, value):
        if isinstance(value, dt.datetime):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise FieldValueError(_l("Not a valid date and time (ISO 8601).")) from None
        else:
            raise FieldValueError(_l("Not a valid date and time (ISO 8601)."))
        within_bounds(check_year, parsed)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=deployment_tz())
        return parsed.astimezone(dt.timezone.utc)

    def to_json(self, value):
        return None if value is None else value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


class PicklistType(FieldType):
    """A value from a database picklist; membership is checked by the records service."""

    name = "picklist"
    operators = CHOICE_OPS

    def column_type(self, f):
        return sa.String(64)

    def coerce(self, f, value):
        if not isinstance(value, str) or len(value) > 64:
            raise FieldValueError(_l("Not a valid choice."))
        return value.strip()


class MultiPicklistType(FieldType):
    name = "multipicklist"
    operators = ("contains", "isnull")
    json_schema = {"type": "array", "items": {"type": "string"}}

    def column_type(self, f):
        return json_type()

    def coerce(self, f, value):
        if isinstance(value, str):
            value = [v.strip() for v in re.split(r"[;,]", value) if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FieldValueError(_l("Not a valid list of choices."))
        return list(dict.fromkeys(value))

    def parse_filter(self, f, raw):
        return raw.strip()


class ReferenceType(FieldType):
    """The id of a record of ``target``; existence and visibility are checked by the records service."""

    name = "reference"
    operators = CHOICE_OPS
    json_schema = {"type": "integer"}

    def column_type(self, f):
        return sa.Integer()

    def coerce(self, f, value):
        if isinstance(value, bool):
            raise FieldValueError(_l("Not a valid record id."))
        try:
            number = int(str(value).strip())
        except (ValueError, TypeError):
            raise FieldValueError(_l("Not a valid record id.")) from None
        if number <= 0 or number > MAX_INT:
            raise FieldValueError(_l("Not a valid record id."))
        return number

    def json_expr(self, element):
        return element.as_integer()


class UserType(ReferenceType):
    name = "user"


def within_bounds(check, value):
    """``check(value)`` (a :mod:`core.bounds` check) with its complaint as a :class:`FieldValueError`."""
    try:
        return check(value)
    except OutOfBounds as exc:
        raise FieldValueError(str(exc)) from None


def check_range(f: Field, number):
    if f.min_value is not None and number < f.min_value:
        raise FieldValueError(_l("Must be at least %(n)s.", n=f.min_value))
    if f.max_value is not None and number > f.max_value:
        raise FieldValueError(_l("Must be at most %(n)s.", n=f.max_value))


FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in (
    TextType(), LongTextType(), EmailType(), UrlType(), PhoneType(), IntegerType(), DecimalType(),
    MoneyType(), PercentType(), BooleanType(), DateType(), DateTimeType(), PicklistType(),
    MultiPicklistType(), ReferenceType(), UserType(),
)}
