"""The limits every input shares, so every route inherits them.

Integers must fit the databases' ``integer`` columns (SQLite raises ``OverflowError`` past 64 bits,
PostgreSQL "out of range" past 32); dates must stay in years that month and day arithmetic can
reach without leaving the calendar; text must not carry NUL (PostgreSQL refuses it); JSON bodies
must not nest deeper than any real payload does.  The field types, the paging and query-string
parsers, the path converters and the request guard (:mod:`core.request_guard`) read them here.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

MAX_INT = 2**31 - 1
MIN_YEAR, MAX_YEAR = 1800, 2999
MAX_PAGE = 100_000
MAX_DAYS = 36_500  # a hundred years: any "N days ago / within N days" parameter
MAX_JSON_DEPTH = 32


class OutOfBounds(ValueError):
    """An input past a shared limit; ``str()`` is the user's message."""


def is_id(value) -> bool:
    """A JSON value that can name a row: an int (not a bool) from 1 to :data:`MAX_INT` (a larger one
    would make PostgreSQL answer "integer out of range" instead of "no such record")."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INT


def is_int(value) -> bool:
    """A JSON whole number (not a bool) that fits an ``integer`` column."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value <= MAX_INT


def check_int(number: int, minimum: int | None = None, maximum: int = MAX_INT) -> int:
    if minimum is not None and number < minimum:
        raise OutOfBounds(str(_l("Must be at least %(n)s.", n=minimum)))
    if number > maximum:
        raise OutOfBounds(str(_l("Must be at most %(n)s.", n=maximum)))
    if number < -MAX_INT:
        raise OutOfBounds(str(_l("Must be at least %(n)s.", n=-MAX_INT)))
    return number


def check_year(day: dt.date) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise OutOfBounds(str(_l("Use a year from %(low)s to %(high)s.", low=MIN_YEAR, high=MAX_YEAR)))
    return day
