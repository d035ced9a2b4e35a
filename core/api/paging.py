"""Paging and simple filters for the administrative list endpoints (audit, login log, recycle bin)."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from core.bounds import MAX_INT, OutOfBounds, check_int
from core.entities.query import MAX_PER_PAGE, parse_positive
from core.errors import BadRequest


def page_args(args, errors: dict) -> tuple[int, int]:
    page = parse_positive(args.get("page"), 1, "page", errors)
    per_page = parse_positive(args.get("per_page"), 50, "per_page", errors)
    if per_page > MAX_PER_PAGE:
        errors["per_page"] = _("At most %(n)s.", n=MAX_PER_PAGE)
    return page, per_page


def int_arg(args, name: str, errors: dict, default: int | None = None, minimum: int | None = None,
            maximum: int = MAX_INT) -> int | None:
    """``args[name]`` as a whole number within bounds (ids by default), else ``default``; complaints go in ``errors``."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return check_int(int(raw), minimum, maximum)
    except OutOfBounds as exc:
        errors[name] = str(exc)
    except ValueError:
        errors[name] = _("Must be a whole number.")
    return default


def int_param(args, name: str, default: int | None = None, minimum: int | None = None,
              maximum: int = MAX_INT) -> int | None:
    """:func:`int_arg` for a route with one such parameter: a 400 naming it when it is not valid."""
    errors: dict = {}
    value = int_arg(args, name, errors, default, minimum, maximum)
    raise_if(errors)
    return value


def bool_arg(args, name: str, errors: dict) -> bool | None:
    raw = (args.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    errors[name] = _("Must be true or false.")
    return None


def datetime_arg(args, name: str, errors: dict) -> dt.datetime | None:
    """An ISO date or date-time; naive values are UTC."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        errors[name] = _("Use an ISO date such as 2026-11-22 or 2026-11-22T09:00:00Z.")
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def raise_if(errors: dict) -> None:
    if errors:
        raise BadRequest(_("Invalid list parameters."), errors)


def page_json(data: list, page: int, per_page: int, total: int) -> dict:
    return {"data": data, "meta": {"page": page, "per_page": per_page, "total": total}}
