"""Amounts in Korean words for the quote's 갑지: ``일금 일천일백만원정 (₩11,000,000)``.

Written here rather than taken from num2words: Korean business documents spell
every leading 일 (일천일백만, not 천백만) so the figure cannot be altered, which
num2words' ``ko`` output does not do.
"""
from __future__ import annotations

from decimal import Decimal

DIGITS = "영일이삼사오육칠팔구"
SMALL_UNITS = ["", "십", "백", "천"]
LARGE_UNITS = ["", "만", "억", "조", "경"]


def four_digits(n: int) -> str:
    out = []
    for place in range(3, -1, -1):
        digit = n // 10 ** place % 10
        if digit:
            out.append(DIGITS[digit] + SMALL_UNITS[place])
    return "".join(out)


def korean_number(n: int) -> str:
    """``11000000`` → ``일천일백만`` (0 → ``영``)."""
    if n == 0:
        return DIGITS[0]
    groups, i = [], 0
    while n:
        n, group = divmod(n, 10000)
        if group:
            groups.append(four_digits(group) + LARGE_UNITS[i])
        i += 1
    return "".join(reversed(groups))


def korean_amount(amount) -> str:
    """``일금 일천일백만원정`` for a whole-won amount (fractions of a won are dropped)."""
    return f"일금 {korean_number(int(Decimal(amount)))}원정"
