"""Phone numbers normalised once, so that any written form finds the same record."""
from __future__ import annotations

import re

import phonenumbers

# A Korean number written the usual way (an area code or mobile prefix, 3-4 digits, 4 digits): its E.164
# form is "+82" and the digits without the leading 0, which is what phonenumbers answers for every such
# number (tests/test_phones.py compares them).  Asking phonenumbers costs 0.1 ms a number, a sixth of an
# import of a lean address list.
KOREAN_COMMON = re.compile(r"0(?:2|[3-6][1-5]|1[016-9]|70)[-. ]?\d{3,4}[-. ]?\d{4}")
NON_DIGITS = re.compile(r"\D")
EXTENSION = re.compile(r"(?i)\s*(ext|x|내선)\.?\s*\d+$")
ASCII_NON_DIGITS = bytes(code for code in range(128) if not 0x30 <= code <= 0x39)


def digits_of(text: str) -> str:
    """The decimal digits of ``text`` (``\\d``: any script's), in order; ASCII text without the regex engine,
    about half the time (an import asks this of most values of every row)."""
    if text.isascii():
        return text.encode("ascii").translate(None, ASCII_NON_DIGITS).decode("ascii")
    return NON_DIGITS.sub("", text)


def normalise_phone(raw: str | None, region: str = "KR") -> str | None:
    """E.164 (``+8221234567``) when parseable, else the bare digits; ``None`` for empty input."""
    if not raw:
        return None
    main = EXTENSION.split(raw.strip())[0]
    if region == "KR" and KOREAN_COMMON.fullmatch(main):
        return "+82" + digits_of(main)[1:]
    try:
        number = phonenumbers.parse(main, region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = digits_of(main)
    return digits or None
