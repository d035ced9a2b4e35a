"""Money rounding per deployment currency (KRW has no minor unit, CNY has two).

Amounts are ``Decimal`` everywhere; computed totals (line items, forecasts,
revenue schedules) are rounded with :func:`round_money` so what is stored is
what the customer's currency can actually express.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

MINOR_UNITS = {"KRW": 0, "JPY": 0, "CNY": 2, "USD": 2, "EUR": 2}


def currency() -> str:
    return current_app.config.get("PLUGCRM_CURRENCY", "KRW")


def places(code: str | None = None) -> int:
    """Decimal places of ``code`` (the deployment's currency by default)."""
    return MINOR_UNITS.get((code or currency()).upper(), 2)


def round_money(value, code: str | None = None) -> Decimal:
    """``value`` rounded half-up to the currency's minor unit."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places(code)), rounding=ROUND_HALF_UP)
