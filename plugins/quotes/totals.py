"""Line and document totals of quotes and orders (all ``Decimal``).

The rule implemented (and tested against hand-computed quotes):

* 공급가액 (supply amount) of an item line = quantity × unit price ×
  (100 − discount %) / 100, rounded half-up to the currency's minor unit
  (whole won for KRW, fen for CNY).  Free-text and subtotal rows carry no amount.
* VAT is always **rounded down** (truncated) to the currency's minor unit - for
  KRW to whole won (원 미만 절사), as a Korean tax invoice does.
* ``per_line`` rounding: each line's VAT = floor(supply × rate); the
  document's VAT is the sum of the line VATs.
* ``per_document`` rounding: the document's VAT = Σ over VAT rates of
  floor(Σ supply at that rate × rate); each line still shows floor(its supply
  × rate), so the lines' VAT may add up to a few won less than the document's.
* Total = supply total + VAT total; 0 % lines add supply without VAT.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

ROUNDING_MODES = ("per_line", "per_document")
HUNDRED = Decimal(100)


def unit(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def supply_amount(quantity, unit_price, discount, places: int) -> Decimal:
    gross = Decimal(quantity or 0) * Decimal(unit_price or 0) * (HUNDRED - Decimal(discount or 0)) / HUNDRED
    return gross.quantize(unit(places), rounding=ROUND_HALF_UP)


def vat_of(supply, rate, places: int) -> Decimal:
    """VAT on ``supply`` at ``rate`` percent, rounded down to the minor unit."""
    return (Decimal(supply) * Decimal(rate or 0) / HUNDRED).quantize(unit(places), rounding=ROUND_DOWN)


@dataclass(frozen=True)
class LineAmounts:
    supply: Decimal
    vat: Decimal
    total: Decimal


def line_amounts(kind: str, quantity, unit_price, discount, rate, places: int) -> LineAmounts:
    """A line's 공급가액, VAT and total (zeros for free-text and subtotal rows)."""
    if kind != "item":
        zero = Decimal(0).quantize(unit(places))
        return LineAmounts(zero, zero, zero)
    supply = supply_amount(quantity, unit_price, discount, places)
    vat = vat_of(supply, rate, places)
    return LineAmounts(supply, vat, supply + vat)


@dataclass(frozen=True)
class DocumentTotals:
    supply: Decimal
    vat: Decimal
    total: Decimal


def document_totals(lines, mode: str, places: int) -> DocumentTotals:
    """Totals of ``lines`` (dicts with ``kind``, ``supply_amount``, ``vat_amount``, ``vat_rate``)."""
    items = [ln for ln in lines if ln.get("kind", "item") == "item"]
    supply = sum((Decimal(ln["supply_amount"] or 0) for ln in items), Decimal(0)).quantize(unit(places))
    if mode == "per_document":
        by_rate: dict[Decimal, Decimal] = {}
        for ln in items:
            rate = Decimal(ln["vat_rate"] or 0)
            by_rate[rate] = by_rate.get(rate, Decimal(0)) + Decimal(ln["supply_amount"] or 0)
        vat = sum((vat_of(amount, rate, places) for rate, amount in by_rate.items()), Decimal(0))
    else:
        vat = sum((Decimal(ln["vat_amount"] or 0) for ln in items), Decimal(0))
    vat = vat.quantize(unit(places))
    return DocumentTotals(supply, vat, supply + vat)


def with_subtotals(lines: list[dict]) -> list[dict]:
    """The lines in order, each subtotal row given the sums of the item rows since the previous subtotal."""
    out, run = [], {"supply_amount": Decimal(0), "vat_amount": Decimal(0), "line_total": Decimal(0)}
    for ln in lines:
        if ln.get("kind") == "subtotal":
            out.append({**ln, **run})
            run = {k: Decimal(0) for k in run}
            continue
        if ln.get("kind", "item") == "item":
            for k in run:
                run[k] += Decimal(ln.get(k) or 0)
        out.append(ln)
    return out
