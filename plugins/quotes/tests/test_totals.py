"""Line and document totals against hand-computed Korean quotes (KRW: VAT rounded down to whole won)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.quotes import totals
from plugins.quotes.tests.conftest import ok
from plugins.quotes.words import korean_amount, korean_number


def test_newzen_quote_from_the_manual(sales):
    """The manual's 견적현황 example: two 5,000,000 items, three free-text rows → 10,000,000 + 1,000,000."""
    account = sales.account("재근상사")
    erp = sales.product("ERP영업관리", "5000000", code="9998")
    quote = sales.quote(account)
    first = sales.line(quote["id"], product_id=erp, quantity="1")
    assert (first["item_code"], first["name"], first["specification"]) == ("9998", "ERP영업관리", "3유저")
    sales.line(quote["id"], name="ERP회계관리", item_code="1101099", specification="3유저", quantity="1",
               unit_price="5000000")
    for text in ("- 경영정보 무상제공", "- 엑셀자료업로드 무상제공", "- 무상유지보수기간 3개월"):
        row = sales.line(quote["id"], kind="text", name=text)
        assert (row["supply_amount"], row["vat_amount"], row["line_total"]) == ("0.00", "0.00", "0.00")
    got = sales.get(quote["id"])
    assert (got["supply_total"], got["vat_total"], got["total"]) == ("10000000.00", "1000000.00", "11000000.00")
    assert (got["currency"], got["rounding"]) == ("KRW", "per_line")


def test_line_vat_is_rounded_down_per_line(sales):
    """3 × 3,333 = 9,999 → VAT 999.9 → 999 won; 7 × 1,234 with 15 % off = 7,342.3 → 7,342 → VAT 734."""
    quote = sales.quote(sales.account())
    a = sales.line(quote["id"], name="케이블", quantity="3", unit_price="3333")
    b = sales.line(quote["id"], name="커넥터", quantity="7", unit_price="1234", discount="15")
    assert (a["supply_amount"], a["vat_amount"], a["line_total"]) == ("9999.00", "999.00", "10998.00")
    assert (b["supply_amount"], b["vat_amount"], b["line_total"]) == ("7342.00", "734.00", "8076.00")
    got = sales.get(quote["id"])
    assert (got["supply_total"], got["vat_total"], got["total"]) == ("17341.00", "1733.00", "19074.00")


def test_per_document_rounding_floors_the_sum(sales, admin):
    """Per document: VAT = floor(17,341 × 10 %) = 1,734 (per line it was 999 + 734 = 1,733)."""
    ok(admin.put("/api/v1/quotes/settings", json={"rounding": "per_document"}))
    quote = sales.quote(sales.account())
    sales.line(quote["id"], name="케이블", quantity="3", unit_price="3333")
    sales.line(quote["id"], name="커넥터", quantity="7", unit_price="1234", discount="15")
    got = sales.get(quote["id"])
    assert (got["supply_total"], got["vat_total"], got["total"], got["rounding"]) == \
        ("17341.00", "1734.00", "19075.00", "per_document")


def test_zero_rated_line_adds_supply_without_vat(sales):
    """A 0 % line (exempt item) next to a 10 % line: 100,000 + 55,555 supply, VAT only on the first."""
    quote = sales.quote(sales.account())
    sales.line(quote["id"], name="컨설팅", quantity="1", unit_price="100000")
    exempt = sales.line(quote["id"], name="도서", quantity="5", unit_price="11111", vat_rate="0")
    assert (exempt["supply_amount"], exempt["vat_amount"]) == ("55555.00", "0.00")
    got = sales.get(quote["id"])
    assert (got["supply_total"], got["vat_total"], got["total"]) == ("155555.00", "10000.00", "165555.00")


def test_subtotal_rows_sum_the_items_above_them():
    lines = [{"kind": "item", "supply_amount": Decimal(100), "vat_amount": Decimal(10), "line_total": Decimal(110)},
             {"kind": "text", "name": "- 설치 포함"},
             {"kind": "item", "supply_amount": Decimal(50), "vat_amount": Decimal(5), "line_total": Decimal(55)},
             {"kind": "subtotal", "name": "소계"},
             {"kind": "item", "supply_amount": Decimal(7), "vat_amount": Decimal(0), "line_total": Decimal(7)},
             {"kind": "subtotal", "name": "소계"}]
    shown = totals.with_subtotals(lines)
    assert [(r["supply_amount"], r["line_total"]) for r in shown if r["kind"] == "subtotal"] == \
        [(Decimal(150), Decimal(165)), (Decimal(7), Decimal(7))]


def test_cny_rounds_vat_down_to_the_fen():
    """CN, 13 %: 3 × 33.33 = 99.99 → VAT 12.9987 → 12.99."""
    line = totals.line_amounts("item", "3", "33.33", "0", "13", 2)
    assert (line.supply, line.vat, line.total) == (Decimal("99.99"), Decimal("12.99"), Decimal("112.98"))


@pytest.mark.parametrize("body, field", [
    ({"name": "x", "quantity": "-1", "unit_price": "10"}, "quantity"),
    ({"name": "x", "quantity": "1", "unit_price": "10", "vat_rate": "101"}, "vat_rate"),
    ({"quantity": "1", "unit_price": "10"}, "name"),
    ({"name": "x", "quantity": "1"}, "unit_price"),
    ({"kind": "text"}, "name"),
])
def test_bad_lines_are_refused_and_change_nothing(sales, body, field):
    quote = sales.quote(sales.account())
    error = sales.line(quote["id"], status=422, **body)["error"]
    assert field in error["fields"]
    assert sales.get(quote["id"])["total"] == "0.00"


def test_total_in_korean_words():
    assert korean_number(11000000) == "일천일백만"
    assert korean_number(1234567) == "일백이십삼만사천오백육십칠"
    assert korean_number(100000001) == "일억일"
    assert korean_amount("19074.00") == "일금 일만구천칠십사원정"
