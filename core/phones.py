"""Phone numbers normalised once, so that any written form finds the same record."""
from __future__ import annotations

import re

import phonenumbers


def normalise_phone(raw: str | None, region: str = "KR") -> str | None:
    """E.164 (``+8221234567``) when parseable, else the bare digits; ``None`` for empty input."""
    if not raw:
        return None
    main = re.split(r"(?i)\s*(ext|x|내선)\.?\s*\d+$", raw.strip())[0]
    try:
        number = phonenumbers.parse(main, region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = re.sub(r"\D", "", main)
    return digits or None
