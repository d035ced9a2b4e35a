"""List filters that are not a field comparison (``crm_list_filters``)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.entities import FieldValueError
from core.plugin_api import translator
from core.security.auth import current_user_or_none

_, _l = translator("customers")


def positive_int(raw: str, upper: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if not 1 <= value <= upper:
        raise FieldValueError(_l("Must be a whole number from 1 to %(n)s.", n=upper))
    return value


def not_contacted_days(raw: str):
    """Accounts whose latest call, meeting or visit is older than N days.

    An account never contacted counts once it was registered at least N days
    ago (a customer registered yesterday has not been neglected for a month;
    an imported one registered years ago has).
    """
    from plugins.customers.accounts import local_today
    from plugins.customers.entities import accounts

    days = positive_int(raw, 36500)
    cutoff = clock.now() - dt.timedelta(days=days)
    table = accounts.table
    return sa.or_(table.c.last_contact_at < cutoff,
                  sa.and_(table.c.last_contact_at.is_(None),
                          table.c.registered_on <= local_today() - dt.timedelta(days=days)))


def birthday_month(raw: str):
    """Contacts born in a month: ``this`` (the current month in the deployment's time zone) or 1-12."""
    from core.i18n import deployment_tz
    from plugins.customers.entities import contacts

    month = (clock.now().astimezone(deployment_tz()).month if raw.strip().lower() == "this"
             else positive_int(raw, 12))
    return sa.extract("month", contacts.table.c.birthday) == month


def assigned_to(raw: str):
    """Activities a user owns or is assigned to: ``me`` or a user id."""
    from plugins.customers.entities import activities

    if raw.strip().lower() == "me":
        user = current_user_or_none()
        user_id = user.id if user is not None else 0
    else:
        user_id = positive_int(raw, 2**31 - 1)
    from plugins.customers.activities import assigned_condition

    return sa.or_(activities.table.c.owner_id == user_id, assigned_condition(user_id))


FILTERS = {
    "accounts": {"not_contacted_days": not_contacted_days},
    "contacts": {"birthday_month": birthday_month},
    "activities": {"assigned_to": assigned_to},
}
