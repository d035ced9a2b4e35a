"""Phone normalisation's fast path for common Korean numbers answers what phonenumbers answers."""
from __future__ import annotations

import itertools
import re

import phonenumbers
import pytest

from core.phones import digits_of, normalise_phone
from core.search import hangul_initials

PREFIXES = ["02", "031", "032", "033", "034", "041", "042", "043", "044", "051", "052", "053", "054", "055",
            "061", "062", "063", "064", "010", "011", "016", "017", "018", "019", "070"]


def by_phonenumbers(raw: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(raw, "KR"), phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_common_korean_numbers_get_the_e164_form_phonenumbers_gives(prefix):
    for middle, last, separator in itertools.product(("123", "4567", "9000"), ("0000", "5678"), ("-", "", " ", ".")):
        raw = separator.join((prefix, middle, last))
        assert normalise_phone(raw) == by_phonenumbers(raw), raw


def test_other_forms_still_go_through_phonenumbers():
    assert normalise_phone("(02) 1234-5678") == "+82212345678"
    assert normalise_phone("+82 10-1234-5678") == "+821012345678"
    assert normalise_phone("02-1234-5678 내선 12") == "+82212345678"
    assert normalise_phone("1588-1234") == by_phonenumbers("1588-1234")
    assert normalise_phone("010-1234-5678", "CN") != "+821012345678"  # another region never takes the fast path


def test_hangul_initials():
    assert hangul_initials("해동통신") == "ㅎㄷㅌㅅ"
    assert hangul_initials("(주)해동 Tel 02") == "ㅈㅎㄷ"
    assert hangul_initials("海东 abc") == ""


@pytest.mark.parametrize("text", ["02-1123-0123", "ACC-2026-0000001", "주식회사 해동0000123", "٣٤٥-12 x", "", "abc",
                                  "＋82 ２-123", "ceo123@corp123.co.kr"])
def test_digits_of_is_the_regex_answer(text):
    assert digits_of(text) == re.sub(r"\D", "", text)
