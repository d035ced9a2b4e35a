"""Korean business registration numbers (사업자등록번호)."""
from __future__ import annotations

import re

from core.entities import FieldValueError
from core.plugin_api import translator

_, _l = translator("customers")

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_is_valid(digits: str) -> bool:
    """The national checksum over ten digits."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    numbers = [int(c) for c in digits]
    total = sum(n * w for n, w in zip(numbers, WEIGHTS)) + (numbers[8] * 5) // 10
    return (10 - total % 10) % 10 == numbers[9]


def business_number(value: str) -> str:
    """Accept ``123-45-67890`` or ``1234567890``; store ``123-45-67890``."""
    digits = re.sub(r"[\s\-]", "", value)
    if not brn_is_valid(digits):
        raise FieldValueError(_l("Not a valid business registration number (10 digits with a valid check digit)."))
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def normalise_business_number(raw: str) -> str:
    """``1234567891`` or ``123-45-67891`` as stored (``123-45-67891``); ``""`` when not ten digits."""
    digits = re.sub(r"\D", "", raw or "")
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else ""


def with_check_digit(nine_digits: str) -> str:
    """Complete nine digits to a valid number (demo data, tests): ``123-45-6789`` → ``123-45-67891``."""
    digits = re.sub(r"\D", "", nine_digits)
    numbers = [int(c) for c in digits]
    total = sum(n * w for n, w in zip(numbers, WEIGHTS)) + (numbers[8] * 5) // 10
    return normalise_business_number(digits + str((10 - total % 10) % 10))
