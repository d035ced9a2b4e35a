"""Account rules: customer code, hot-customer flag, parent accounts, duplicates (판매 충돌 방지)."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import g

from core import clock
from core.db import session
from core.entities.numbering import issue_number, validate_format
from core.errors import ValidationError
from core.i18n import deployment_tz
from core.entities.disclosure import conflict_label, conflict_match, visible_ids
from core.entities.models import NumberingFormat
from core.plugin_api import translator

_, _l = translator("customers")

CODE_SCOPE = "accounts.customer_code"
DEFAULT_CODE_FORMAT = "{YY}{MM}{DD}-{###}"  # NewZen: 140213-001, from the registration date
DEFAULT_HEAT = 3
LEGAL_FORMS = re.compile(r"\(주\)|㈜|주식회사|\(유\)|유한회사|\(사\)|사단법인|\(재\)|재단법인|\(합\)|합자회사|"
                         r"有限责任公司|股份有限公司|有限公司|集团|co\.?,?\s*ltd\.?|inc\.?|corp\.?|llc", re.I)


def local_today() -> dt.date:
    return clock.now().astimezone(deployment_tz()).date()


def before_save(values: dict, old: dict | None) -> None:
    """Fill the registration date and customer code; keep hot-customer and parent fields consistent."""
    if not values.get("registered_on"):
        values["registered_on"] = old["registered_on"] if old and old.get("registered_on") else local_today()
    if not values.get("customer_code"):
        values["customer_code"] = next_customer_code(values["registered_on"])
    errors: dict[str, str] = {}
    hot_rules(values, errors)
    if values.get("stopped_on") and values["stopped_on"] < values["registered_on"]:
        errors["stopped_on"] = _("The stopped date cannot be before the registration date.")
    if values.get("parent_id") and old is not None and creates_cycle(old["id"], values["parent_id"]):
        errors["parent_id"] = _("An account cannot be its own parent or the parent of its parent.")
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)


def hot_rules(values: dict, errors: dict) -> None:
    """A hot customer says why and how hot; a customer that is not hot carries neither."""
    if not values.get("is_hot"):
        values["hot_reason"] = None
        values["heat_level"] = None
        return
    if not values.get("hot_reason"):
        errors["hot_reason"] = _("Say why this customer is hot.")
    if values.get("heat_level") is None:
        values["heat_level"] = DEFAULT_HEAT


def code_format() -> str:
    """The configured format, read once per app context (an import numbers thousands of accounts)."""
    fmt = g.get("_customer_code_format")
    if fmt is None:
        configured = session().get(NumberingFormat, CODE_SCOPE)
        fmt = g._customer_code_format = configured.format if configured else DEFAULT_CODE_FORMAT
    return fmt


def set_code_format(fmt) -> None:
    """Store the administrator's format (kept in the core's numbering formats under ``accounts.customer_code``)."""
    problem = validate_format(fmt) if isinstance(fmt, str) and fmt.strip() else _("This field is required.")
    if problem:
        raise ValidationError(_("Some fields are not valid."), {"format": problem})
    row = session().get(NumberingFormat, CODE_SCOPE) or NumberingFormat(entity=CODE_SCOPE, format=fmt.strip())
    row.format = fmt.strip()
    session().add(row)
    g.pop("_customer_code_format", None)


def next_customer_code(registered_on: dt.date) -> str:
    return issue_number(session(), CODE_SCOPE, code_format(), registered_on)


def creates_cycle(account_id: int, parent_id: int) -> bool:
    """True when ``parent_id`` is the account itself or one of its descendants."""
    from plugins.customers.entities import accounts

    table = accounts.table
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == account_id:
            return True
        seen.add(current)
        current = session().scalar(sa.select(table.c.parent_id).where(table.c.id == current))
    return False


# --- duplicates ---------------------------------------------------------------

def name_key(name: str) -> str:
    """``(주) 해동 통신`` and ``해동통신㈜`` compare equal: legal forms, spaces and punctuation go."""
    return re.sub(r"[\W_]+", "", LEGAL_FORMS.sub("", name or "")).lower()


def duplicate_matches(name: str | None, business_number: str | None, user,
                      exclude_id: int | None = None) -> list[dict]:
    """Existing accounts (any owner, recycle bin included) with the same name key or business number.

    Deliberately not limited to what the user may see: its purpose is to stop
    two reps from working the same customer (판매 충돌 방지).  It returns only
    identity fields (name, record number, customer code, owner's name), and of
    an account ``user`` cannot see only the owner's name
    (:mod:`core.entities.disclosure`, rule 3).
    """
    from core.security.models import User
    from plugins.customers.entities import accounts

    table = accounts.table
    conditions = []
    key = name_key(name or "")
    if key:
        conditions.append(sa.func.lower(table.c.name).contains(key, autoescape=True))
    if business_number:
        conditions.append(table.c.business_number == business_number)
    if not conditions:
        return []
    stmt = (sa.select(table.c.id, table.c.name, table.c.number, table.c.customer_code, table.c.business_number,
                      table.c.deleted_at, User.name.label("owner_name"))
            .select_from(table.outerjoin(User, User.id == table.c.owner_id))
            .where(sa.or_(*conditions)).order_by(table.c.id).limit(50))
    if exclude_id is not None:
        stmt = stmt.where(table.c.id != exclude_id)
    matches = []
    for row in session().execute(stmt):
        by_number = bool(business_number) and row.business_number == business_number
        if by_number or (key and name_key(row.name) == key):
            matches.append({"id": row.id, "name": row.name, "number": row.number,
                            "customer_code": row.customer_code, "owner": row.owner_name,
                            "in_recycle_bin": row.deleted_at is not None,
                            "matched_on": "business_number" if by_number else "name"})
    visible = visible_ids(accounts, user, [m["id"] for m in matches])
    return [conflict_match(m, m["id"] in visible) for m in matches]


def duplicate_label(match: dict) -> str:
    if match["visible"]:
        return f"{match['name']} ({match['number'] or match['customer_code']})"
    return conflict_label(match)
