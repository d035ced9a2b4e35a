"""The filters every sales report shares: period, owner, team, type, source.

The page's query string (``period_from``, ``period_to``, ``owner_id``,
``team``, ``type``, ``source``) is checked here and turned into
opportunity-list parameters (:func:`list_args`), which every report query and
every drill-down link then uses, so a click on a figure opens exactly the
deals behind it.  The period is the expected close date; a team is a role and
every role below it in the role tree.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.db import session
from core.errors import BadRequest
from core.plugin_api import translator
from core.security.models import Role, User
from core.security.roles import role_label, roles_below

_, _l = translator("opportunities")

NAMES = ("period_from", "period_to", "owner_id", "team", "type", "source")


def chosen(args) -> dict:
    """The filters from the query string, as strings ('' when absent); a bad value is a 400 naming it."""
    values = {name: (args.get(name) or "").strip() for name in NAMES}
    errors = {}
    for name in ("period_from", "period_to"):
        if values[name]:
            try:
                dt.date.fromisoformat(values[name])
            except ValueError:
                errors[name] = _("Enter a date as YYYY-MM-DD.")
    for name in ("owner_id", "team"):
        if values[name] and not values[name].isdigit():
            errors[name] = _("Not a valid record id.")
    if not errors and values["period_from"] and values["period_to"] and values["period_to"] < values["period_from"]:
        errors["period_to"] = _("The end of the period is before its start.")
    if not errors and values["team"] and not team_members(int(values["team"])):
        errors["team"] = _("Nobody is in this team or the teams below it yet.")
    if errors:
        raise BadRequest(_("Invalid list parameters."), errors)
    return values


def list_args(chosen: dict) -> dict:
    """The chosen filters as opportunity-list parameters."""
    out = {}
    if chosen["period_from"]:
        out["expected_close_date__gte"] = chosen["period_from"]
    if chosen["period_to"]:
        out["expected_close_date__lte"] = chosen["period_to"]
    for name in ("owner_id", "type", "source"):
        if chosen[name]:
            out[name] = chosen[name]
    if chosen["team"]:
        out["owner_id__in"] = ",".join(str(i) for i in team_members(int(chosen["team"])))
    return out


def team_members(role_id: int) -> list[int]:
    """The users in the role and in every role below it."""
    roles = sorted({role_id} | roles_below(role_id))
    return list(session().scalars(sa.select(User.id).where(User.role_id.in_(roles)).order_by(User.id)))


def team_choices() -> list[dict]:
    return [{"value": str(role.id), "label": role_label(role)}
            for role in session().scalars(sa.select(Role).order_by(Role.id))]
