"""List filters beyond field comparisons (AIWORKS: partner, product, revenue month).

``GET /api/v1/opportunities?partner_id=12``, ``?product_id=3`` and
``?revenue_in_month=2026-12`` (a deal with revenue scheduled in that month:
the forecast chart's drill-down).  Reports accept them too.
"""
from __future__ import annotations

import sqlalchemy as sa

from core.entities import FieldValueError
from core.plugin_api import translator
from core.runtime import runtime

_, _l = translator("opportunities")


def record_id(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise FieldValueError(_l("Not a valid record id."))
    return value


def having_child(child_name: str, column: str):
    def condition(raw: str):
        child = runtime().registry.get(child_name).table
        opps = runtime().registry.get("opportunities").table
        return opps.c.id.in_(sa.select(child.c.opportunity_id).where(child.c[column] == record_id(raw),
                                                                     child.c.deleted_at.is_(None)))
    return condition


def revenue_in_month(raw: str):
    from plugins.opportunities.models import RevenueMonth
    from plugins.opportunities.schedule import parse_month

    opps = runtime().registry.get("opportunities").table
    return opps.c.id.in_(sa.select(RevenueMonth.opportunity_id).where(RevenueMonth.month == parse_month(raw)))


FILTERS = {"opportunities": {"partner_id": having_child("opportunity_partners", "account_id"),
                             "product_id": having_child("opportunity_items", "product_id"),
                             "revenue_in_month": revenue_in_month}}
