"""Billing methods (일시불 / 월납 / 분납) turned into the monthly revenue schedule.

* lump sum: the whole amount in the expected revenue month;
* monthly: the amount split evenly over the months from the expected revenue
  month to the end month, rounded to the currency, the last month taking the
  remainder so the months always add up to the amount;
* installments: months and amounts the user gives, which must add up to the
  amount.

Weighted months (amount × probability) are rounded the same way: every month but the last is
rounded on its own and the last takes the remainder, so they add up to the deal's forecast amount.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from core.bounds import check_year
from core.entities.fields import FIELD_TYPES, Field, FieldValueError, within_bounds
from core.errors import ValidationError
from core.money import round_money
from core.plugin_api import translator
from plugins.opportunities.models import RevenueMonth

_, _l = translator("opportunities")

MAX_MONTHS = 120
METHODS = ("lump_sum", "monthly", "installments")


def month_start(day: dt.date | None) -> dt.date | None:
    return None if day is None else day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, current = [], start
    while current <= end:
        months.append(current)
        current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def invalid(fields: dict) -> ValidationError:
    return ValidationError(_("The billing details are not valid."), fields)


def check_period(values: dict) -> None:
    """The month fields the billing method needs are there and make sense."""
    method = values.get("billing_method") or "lump_sum"
    if method not in METHODS:  # checked here: the picklist check comes after crm_before_save
        raise invalid({"billing_method": _("Not a valid choice.")})
    start, end = values.get("revenue_month"), values.get("revenue_end")
    if method in ("lump_sum", "monthly") and start is None:
        raise invalid({"revenue_month": _("Enter the expected revenue month.")})
    if method == "monthly":
        if end is None:
            raise invalid({"revenue_end": _("Enter the last month of the monthly billing.")})
        if end < start:
            raise invalid({"revenue_end": _("The end month is before the start month.")})
        if len(months_between(start, end)) > MAX_MONTHS:
            raise invalid({"revenue_end": _("At most %(n)s months.", n=MAX_MONTHS)})


def planned(values: dict, installments: list[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
    """``[(month, amount)]`` for the record's billing method."""
    amount = values.get("amount") or Decimal(0)
    method = values.get("billing_method") or "lump_sum"
    if method == "lump_sum":
        return [(values["revenue_month"], amount)]
    if method == "monthly":
        months = months_between(values["revenue_month"], values["revenue_end"])
        each = round_money(amount / len(months))
        return [(m, each) for m in months[:-1]] + [(months[-1], amount - each * (len(months) - 1))]
    return installments


def weighted(plan: list[tuple[dt.date, Decimal]], probability) -> list[Decimal]:
    """The weighted amount of each month of ``plan``; the last month takes the rounding remainder."""
    if not plan:
        return []
    rate = (probability or Decimal(0)) / 100
    months = [round_money(amount * rate) for _month, amount in plan[:-1]]
    total = round_money(sum((amount for _month, amount in plan), Decimal(0)) * rate)
    return months + [total - sum(months, Decimal(0))]


def compressed(values: dict) -> dict:
    """A lump-sum or monthly schedule as the amount of each month and of the last month (weighted too).

    Every month from ``revenue_month`` to ``revenue_end`` (the same month for a lump sum) gets
    ``month_amount`` except the last, which gets ``last_month_amount``; the forecast report adds
    these up per month in one pass over the deals instead of joining millions of schedule rows.
    Installment deals keep their months in the schedule table only (zeros here).
    """
    zero = Decimal(0)
    probability = values.get("probability") or zero
    method = values.get("billing_method") or "lump_sum"
    if method == "installments":
        return {"revenue_last_month": None, "month_amount": zero, "last_month_amount": zero,
                "month_forecast": zero, "last_month_forecast": zero}
    plan = planned(values, [])
    each, last = plan[0][1], plan[-1][1]
    weights = weighted(plan, probability)
    return {"revenue_last_month": plan[-1][0], "month_amount": each, "last_month_amount": last,
            "month_forecast": weights[0], "last_month_forecast": weights[-1]}


def parse_installments(raw) -> list[tuple[dt.date, Decimal]]:
    """``[{"month": "2026-12", "amount": "1000000"}, ...]`` as sorted ``(first day, Decimal)`` pairs."""
    if not isinstance(raw, list) or not raw:
        raise invalid({"installments": _("Give at least one installment: a list of {month, amount}.")})
    money = Field("amount", "money", min_value=0)
    result: dict[dt.date, Decimal] = {}
    errors = {}
    for index, item in enumerate(raw):
        try:
            if not isinstance(item, dict):
                raise FieldValueError(_("Each installment is an object with month and amount."))
            month = parse_month(item.get("month"))
            if month in result:
                raise FieldValueError(_("The month %(month)s appears twice.", month=month.strftime("%Y-%m")))
            result[month] = round_money(FIELD_TYPES["money"].coerce(money, item.get("amount")))
        except FieldValueError as exc:
            errors[f"installments.{index}"] = str(exc)
    if errors:
        raise invalid(errors)
    return sorted(result.items())


def parse_month(raw) -> dt.date:
    text = str(raw or "").strip().replace("/", "-").replace(".", "-")
    try:
        month = dt.date.fromisoformat(text + "-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise FieldValueError(_("Not a valid month (YYYY-MM).")) from None
    return within_bounds(check_year, month)


def check_installments(installments: list[tuple[dt.date, Decimal]], amount: Decimal | None) -> None:
    total = sum((a for _m, a in installments), Decimal(0))
    if total != (amount or Decimal(0)):
        raise invalid({"installments": _("The installments add up to %(sum)s but the amount is %(amount)s.",
                                         sum=f"{total:,.2f}", amount=f"{amount or 0:,.2f}")})


def stored(sess, opportunity_id: int) -> list[tuple[dt.date, Decimal]]:
    rows = sess.execute(sa.select(RevenueMonth.month, RevenueMonth.amount)
                        .where(RevenueMonth.opportunity_id == opportunity_id)
                        .order_by(RevenueMonth.month)).all()
    return [(r.month, r.amount) for r in rows]


def replace(sess, opportunity_id: int, plan: list[tuple[dt.date, Decimal]], probability: Decimal) -> None:
    """Write the schedule rows of one opportunity (delete and insert: a handful of rows)."""
    sess.execute(sa.delete(RevenueMonth).where(RevenueMonth.opportunity_id == opportunity_id))
    if plan:
        sess.execute(sa.insert(RevenueMonth), [
            {"opportunity_id": opportunity_id, "month": month, "amount": amount, "weighted": share}
            for (month, amount), share in zip(plan, weighted(plan, probability))])
