"""The expression language: arithmetic, comparisons, if/then/else, functions, safety limits."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plugins.workflows import expressions as ex

FIELDS = {"amount": ex.NUMBER, "probability": ex.NUMBER, "name": ex.TEXT, "close_date": ex.DATE,
          "vip": ex.BOOLEAN}
RECORD = {"amount": Decimal("15000000.00"), "probability": Decimal("30.00"), "name": "해동통신",
          "close_date": dt.date(2026, 3, 10), "vip": True}


@pytest.fixture
def ctx(app):
    with app.test_request_context("/?lang=en"):
        yield


def run(source, record=RECORD, functions=ex.BUILTINS):
    compiled = ex.compile_expression(source, FIELDS.get, functions)
    return compiled.evaluate(record.get, functions)


@pytest.mark.parametrize("source, expected", [
    ("amount * probability / 100", Decimal("4500000")),
    ("1 + 2 * 3 - -4", Decimal("11")),
    ("(1 + 2) * 3 % 4", Decimal("1")),
    ("amount / 0", None),
    ("amount > 10000000 and not vip", False),
    ("amount >= 15000000 or false", True),
    ("if amount > 10000000 then 'big' else 'small' end", "big"),
    ("if probability < 10 then 0 else if probability < 50 then 1 else 2 end end", Decimal("1")),
    ("concat(upper('ab'), '-', lower('CD'), '-', round(2.345, 2), '-', amount)", "AB-cd-2.35-15000000"),
    ("substring(name, 3, 2)", "통신"),
    ("round(amount * 0.333)", Decimal("4995000")),
    ("add_days(close_date, 3)", dt.date(2026, 3, 13)),
    ("days_between(close_date, add_days(close_date, 30))", Decimal("30")),
    ("coalesce(null, 'x')", "x"),
    ("name = '해동통신' and close_date < '2026-03-11'", True),
])
def test_evaluates(ctx, source, expected):
    assert run(source) == expected


def test_today_and_now_follow_the_controllable_clock_in_seoul(ctx, crm_clock):
    crm_clock.set_now(dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.timezone.utc))  # 01:30 on 2 March in Seoul
    assert run("today()") == dt.date(2026, 3, 2)
    assert run("now()") == dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.timezone.utc)
    assert run("days_between(today(), close_date)") == Decimal("8")


def test_null_propagates_instead_of_failing(ctx):
    assert run("amount * probability", {"amount": None}) is None


@pytest.mark.parametrize("source, message, position", [
    ("amount * ", "Expected a value", 10),
    ("amount + (1", "Expected ')'", 12),
    ("amount @ 2", "Unexpected character", 8),
    ("amont * 2", "Unknown field amont", 1),
    ("name * 2", "Expected a number but this is text", 1),
    ("if amount then 1 else 2 end", "Expected true/false", 4),
    ("if vip then 1 else 'x' end", "same type", 1),
    ("amount > 'abc' ", None, None),
    ("nope(1)", "Unknown function nope", 1),
    ("upper('a', 'b')", "takes 1 arguments", 1),
    ("__import__('os')", "Unknown function __import__", 1),
    ("name.__class__", "Unknown field name.__class__", 1),
    ("", "empty", 1),
])
def test_errors_have_a_message_and_position(ctx, source, message, position):
    if message is None:  # number vs text is a type mismatch
        with pytest.raises(ex.ExpressionError, match="Cannot compare"):
            run(source)
        return
    with pytest.raises(ex.ExpressionError) as info:
        run(source)
    assert message in str(info.value)
    assert f"at character {position}" in str(info.value)


def test_size_and_depth_are_bounded(ctx):
    with pytest.raises(ex.ExpressionError, match="longer than"):
        run("1+" * 1500 + "1")
    with pytest.raises(ex.ExpressionError, match="too long"):
        run("+".join(["1"] * 300))
    with pytest.raises(ex.ExpressionError, match="nested too deeply"):
        run("(" * 60 + "1" + ")" * 60)


def test_plugin_functions_from_the_hook(app):
    with app.test_request_context("/?lang=en"):
        from plugins.workflows.definitions import functions

        table = functions()
        assert {"concat", "add_days", "today"} <= set(table)
        table["double"] = ex.Function(lambda x: x * 2, (ex.NUMBER,), ex.NUMBER)
        assert run("double(amount)", functions=table) == Decimal("30000000.00")
        with pytest.raises(ex.ExpressionError, match="Expected a number"):
            run("double(name)", functions=table)


def test_out_of_range_function_results_are_null_not_errors(ctx):
    assert run("add_days(close_date, 99999999)") is None
    assert run("round(amount, 100000000)") is None
