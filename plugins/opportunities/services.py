"""What happens when an opportunity is saved: stage rules, probability, amount, forecast, schedule.

Called from the plugin's ``crm_before_save`` / ``crm_after_save`` hooks, so
every write path (API, pages, import, workflows, the kanban board, the
contract hook) gets the same rules.  Extra inputs that are not fields (a
stage-change note, an installment plan, "a contract was signed") are handed
over for the one save in progress with :func:`handing_over`.
"""
from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import sqlalchemy as sa
from flask import g

from core import clock, signals
from core.db import session
from core.entities import records
from core.errors import ValidationError
from core.money import round_money
from core.plugin_api import translator
from core.runtime import runtime
from plugins.opportunities import schedule, stages
from plugins.opportunities.models import StageChange

_, _l = translator("opportunities")

HANDOVER_KEY = "_opportunities_handover"


@contextmanager
def handing_over(**extra):
    """Make ``extra`` (note=, installments=, contract=) visible to the save done inside the block."""
    previous = g.get(HANDOVER_KEY)
    setattr(g, HANDOVER_KEY, {**(previous or {}), **extra})
    try:
        yield
    finally:
        setattr(g, HANDOVER_KEY, previous)


def handed(name: str, default=None):
    return (g.get(HANDOVER_KEY) or {}).get(name, default)


def entity(name: str = "opportunities"):
    return runtime().registry.get(name)


def changed_by_user(values: dict, old: dict | None, name: str) -> bool:
    if old is None:
        return values.get(name) not in (None, False)
    return values.get(name) != old.get(name)


# --- before save -------------------------------------------------------------

def before_save(values: dict, old: dict | None, user) -> None:
    for name in ("revenue_month", "revenue_end"):
        values[name] = schedule.month_start(values.get(name))
    if values.get("revenue_month") is None and values.get("expected_close_date") is not None:
        values["revenue_month"] = schedule.month_start(values["expected_close_date"])
    apply_stage(values, old)
    apply_amount(values, old)
    values["amount"] = round_money(values.get("amount") or 0)
    values["forecast_amount"] = round_money(values["amount"] * (values["probability"] or 0) / 100)
    schedule.check_period(values)
    check_installments(values, old)
    values.update(schedule.compressed(values))


def apply_stage(values: dict, old: dict | None) -> None:
    new = stages.get(values["stage"]) if values.get("stage") else stages.stages_for(values.get("type"))[0]
    values["stage"] = new.value
    stage_moved = old is None or old["stage"] != new.value
    if stage_moved or (old and old.get("type") != values.get("type")):
        stages.check_type(new, values.get("type"))
    if stage_moved and not handed("contract"):
        start = stages.get(old["stage"]) if old else stages.stages_for(values.get("type"))[0]
        missing = stages.missing_actions(start, new, values.get("type"), values.get("completed_actions") or [])
        if missing:
            stages.refuse_missing(missing)
    if new.kind == "lost" and not values.get("lost_reason"):
        raise ValidationError(_("Say why the opportunity was lost."),
                              {"lost_reason": _("Choose the lost reason (and the competitor, if any).")})
    if stage_moved:
        values["stage_changed_at"] = clock.now()
    apply_probability(values, old, new, stage_moved)


def apply_probability(values: dict, old: dict | None, stage: stages.Stage, stage_moved: bool) -> None:
    """Probability follows the stage unless the user typed one (and did not just move the stage)."""
    typed = changed_by_user(values, old, "probability") and values.get("probability") is not None
    released = old is not None and old.get("probability_manual") and values.get("probability_manual") is False
    if typed:
        values["probability_manual"] = True
    elif stage_moved or released or values.get("probability") is None or not values.get("probability_manual"):
        values["probability"] = Decimal(stage.probability)
        values["probability_manual"] = False


def apply_amount(values: dict, old: dict | None) -> None:
    """With line items the amount is their sum, unless the user typed an amount over them."""
    totals = line_item_totals(values.get("id")) if old is not None else None
    values["cost_total"] = totals[1] if totals else Decimal(0)
    if not totals:
        values["amount_manual"] = False
        return
    if changed_by_user(values, old, "amount") and not changed_by_user(values, old, "amount_manual"):
        values["amount_manual"] = True
    if not values.get("amount_manual"):
        values["amount"] = totals[0]


def line_item_totals(opportunity_id: int | None) -> tuple[Decimal, Decimal] | None:
    """``(sale total, cost total)`` of the live line items, or None when there are none."""
    if opportunity_id is None:
        return None
    t = entity("opportunity_items").table
    row = session().execute(sa.select(sa.func.count(), sa.func.sum(t.c.sale_total), sa.func.sum(t.c.cost_total))
                            .where(t.c.opportunity_id == opportunity_id, t.c.deleted_at.is_(None))).one()
    if not row[0]:
        return None
    return Decimal(row[1] or 0), Decimal(row[2] or 0)


def check_installments(values: dict, old: dict | None) -> None:
    if values.get("billing_method") != "installments":
        return
    plan = handed("installments")
    if plan is None:
        plan = schedule.stored(session(), values["id"]) if old is not None else []
        if not plan:
            raise schedule.invalid({"installments": _("Enter the installments (months and amounts) with the "
                                                      "revenue schedule.")})
    schedule.check_installments(plan, values["amount"])


# --- after save --------------------------------------------------------------

SCHEDULE_INPUTS = {"amount", "probability", "billing_method", "revenue_month", "revenue_end"}


def after_save(record: dict, old: dict | None, user) -> None:
    sess = session()
    if old is None or old["stage"] != record["stage"]:
        record_stage_change(sess, record, old, user)
        signals.stage_changed.send("opportunities", entity=entity(), record=record,
                                   old_stage=old["stage"] if old else None, new_stage=record["stage"],
                                   user=user, session=sess)
    plan = handed("installments")
    if plan is not None or old is None or any(record[k] != old[k] for k in SCHEDULE_INPUTS):
        if plan is None:
            plan = schedule.stored(sess, record["id"]) if record["billing_method"] == "installments" else []
        schedule.replace(sess, record["id"], schedule.planned(record, plan), record["probability"])


def record_stage_change(sess, record: dict, old: dict | None, user) -> None:
    days = None
    if old is not None and old.get("stage_changed_at") is not None:
        days = dwell_days(old["stage_changed_at"], record["stage_changed_at"])
    sess.add(StageChange(opportunity_id=record["id"], from_stage=old["stage"] if old else None,
                         to_stage=record["stage"], user_id=getattr(user, "id", None),
                         changed_at=record["stage_changed_at"], days=days, note=handed("note")))
    sess.flush()


def dwell_days(since, until=None) -> int:
    """Whole calendar days between two moments, counted in the deployment's time zone."""
    from core.i18n import deployment_tz

    tz = deployment_tz()
    until = until or clock.now()
    return (until.astimezone(tz).date() - since.astimezone(tz).date()).days


# --- operations used by the API, pages and hooks -----------------------------

def change_stage(opportunity_id: int, data: dict, user) -> dict:
    """Move to ``data["stage"]`` with an optional ``note`` (and lost reason / competitor)."""
    if not isinstance(data, dict) or not data.get("stage"):
        raise ValidationError(_("Some fields are not valid."), {"stage": _("Required.")})
    changes = {k: data[k] for k in ("stage", "lost_reason", "lost_to", "completed_actions") if k in data}
    note = data.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 2000):
        raise ValidationError(_("Some fields are not valid."), {"note": _("At most %(n)s characters.", n=2000)})
    with handing_over(note=(note or "").strip() or None):
        return records.update(entity(), opportunity_id, changes, user, expected_version=data.get("version"))


def set_revenue_schedule(opportunity_id: int, data: dict, user) -> dict:
    """Set the billing method and its months in one save (installments need their plan)."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    changes = {k: data[k] for k in ("billing_method", "revenue_month", "revenue_end", "amount", "amount_manual")
               if k in data}
    for name in ("revenue_month", "revenue_end"):
        if isinstance(changes.get(name), str) and len(changes[name].strip()) == 7:
            changes[name] = changes[name].strip() + "-01"
    plan = None
    if data.get("billing_method") == "installments":
        plan = schedule.parse_installments(data.get("installments"))
    elif "installments" in data:
        raise schedule.invalid({"installments": _("Installments apply to the installment billing method only.")})
    with handing_over(installments=plan):
        return records.update(entity(), opportunity_id, changes, user)


def contract_added(opportunity_id: int, contract, user) -> dict | None:
    """A contract or order was signed: the opportunity is won (required actions do not apply)."""
    opportunity = records.fetch(entity(), opportunity_id)
    if opportunity is None or opportunity["deleted_at"] is not None:
        return None
    won = stages.first_of_kind(opportunity["type"], "won")
    if opportunity["stage"] == won.value:
        return opportunity
    title = contract.get("number") or contract.get("title") if isinstance(contract, dict) else contract
    with handing_over(contract=True, note=_("Contract %(title)s added.", title=title or "")):
        return records.update(entity(), opportunity_id, {"stage": won.value}, user, check_rights=False)
