"""The pipeline board's data: filters (type, owner, expected month), columns with totals, cards with names.

Every query starts from ``visible_select`` through :func:`reports.filtered`, so
the board shows exactly the deals the list would; the drill-down links carry
the same filters as list parameters (:func:`list_args`).
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from core.db import session
from core.entities.display import reference_labels
from core.errors import BadRequest
from core.plugin_api import translator
from core.security.models import User
from core.security.users import names_of
from plugins.opportunities import reports, stages
from plugins.opportunities.services import entity

_, _l = translator("opportunities")

CARDS_PER_STAGE = 50
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def chosen(args) -> dict:
    """The board's filters from the query string: ``type`` (default new), ``owner_id``, ``month`` (YYYY-MM)."""
    owner = (args.get("owner_id") or "").strip()
    month = (args.get("month") or "").strip()
    errors = {}
    if owner and not owner.isdigit():
        errors["owner_id"] = _("Not a valid record id.")
    if month and not MONTH.match(month):
        errors["month"] = _("Enter a month as YYYY-MM.")
    if errors:
        raise BadRequest(_("Invalid list parameters."), errors)
    return {"type": args.get("type") or "new", "owner_id": owner, "month": month}


def list_args(chosen: dict) -> dict:
    """The same filters as opportunity-list parameters (for the list, the Excel download and the queries)."""
    out = {"type": chosen["type"]}
    if chosen["owner_id"]:
        out["owner_id"] = chosen["owner_id"]
    if chosen["month"]:
        out["revenue_month"] = chosen["month"] + "-01"
    return out


def columns(user, chosen: dict) -> list[dict]:
    """One column per stage of the type: count, amount and weighted amount of all its deals, its first cards."""
    t = entity().table
    args = MultiDict(list_args(chosen))
    totals = {row[0]: row for row in session().execute(
        reports.filtered(user, args, t.c.stage, sa.func.count(), sa.func.sum(t.c.amount),
                         sa.func.sum(t.c.forecast_amount)).group_by(t.c.stage))}
    result = []
    for stage in stages.stages_for(chosen["type"]):
        cards = session().execute(reports.filtered(user, args).where(t.c.stage == stage.value)
                                  .order_by(t.c.expected_close_date, t.c.id).limit(CARDS_PER_STAGE)).all()
        found = totals.get(stage.value)
        result.append({"stage": stage, "count": found[1] if found else 0, "amount": found[2] if found else 0,
                       "weighted": found[3] if found else 0, "cards": [dict(r._mapping) for r in cards]})
    add_names(user, [card for column in result for card in column["cards"]])
    return result


def add_names(user, cards: list[dict]) -> None:
    """Each card gains ``owner_name`` and ``account_name`` (only for a customer the user may see: the
    account's :class:`~core.entities.display.ReferenceLabel`, which the card links when its page opens)."""
    owners = names_of(card["owner_id"] for card in cards)
    accounts = reference_labels("accounts", [card["account_id"] for card in cards], user)
    for card in cards:
        card["owner_name"] = owners.get(card["owner_id"])
        card["account_name"] = accounts.get(card["account_id"])


def owner_choices() -> list[dict]:
    """Every active user by name, for the owner filter."""
    users = User.__table__
    return [{"value": str(r.id), "label": r.name} for r in session().execute(
        sa.select(users.c.id, users.c.name).where(users.c.active.is_(True)).order_by(users.c.name))]
