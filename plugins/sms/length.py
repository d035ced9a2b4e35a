"""How long a text message is, the way carriers count it: pure functions, no database, no Flask.

Three rules:

* **Korea** (``kr``): bytes in CP949 (EUC-KR's superset: Hangul and hanja 2 bytes,
  ASCII 1).  Up to 90 bytes is an SMS; up to 2,000 bytes an LMS, whose subject
  holds at most 40 bytes; an MMS is an LMS with an image.  A character CP949
  cannot encode (most emoji, simplified Hanzi, accented Latin) is refused by the
  carriers, so it is refused here, by name.
* **International** (``intl``): GSM 03.38 when every character is in it
  (160 septets in one part, 153 per part of a long message; the extension
  characters ``^{}\\[~]|€`` take two septets, and a pair is never split), else
  UCS-2 (70 UTF-16 units, 67 per part; a surrogate pair is never split).
* **China** (``cn``): the signature ``【...】`` is part of the text and counts;
  every character counts one: 70 in one message, 67 per part of a long one.
"""
from __future__ import annotations

from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

KR_SMS_BYTES = 90
KR_LMS_BYTES = 2000
KR_SUBJECT_BYTES = 40
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
CN_SINGLE, CN_PART = 70, 67

SMS, LMS, MMS = "SMS", "LMS", "MMS"
RULES = ("kr", "intl", "cn")


class LengthError(ValueError):
    """The text cannot be sent as it is; ``code`` says why, the other attributes by how much."""

    code = "length"


class Unencodable(LengthError):
    """Characters the carriers' character set cannot carry (listed once each, in order of appearance)."""

    code = "unencodable"

    def __init__(self, chars: list[str], field: str = "body"):
        super().__init__(f"{field}: cannot encode {''.join(chars)!r}")
        self.chars, self.field = chars, field


class TooLong(LengthError):
    """``used`` units where at most ``limit`` fit (``field`` is ``body`` or ``subject``)."""

    code = "too_long"

    def __init__(self, used: int, limit: int, field: str = "body"):
        super().__init__(f"{field}: {used} > {limit}")
        self.used, self.limit, self.field = used, limit, field


@dataclass(frozen=True)
class Plan:
    """How a text goes out: its kind, its size in the rule's units, and its parts.

    ``segments`` is what the carrier bills: 1 for a Korean SMS/LMS/MMS, the
    number of parts for a concatenated international or Chinese message.
    ``parts`` previews how the text splits (for Korean text: into 90-byte SMS
    parts, shown beside the LMS it becomes).
    """

    rule: str
    kind: str
    encoding: str
    units: int
    limit: int
    segments: int
    parts: tuple[str, ...]


def unencodable(text: str, encoding: str) -> list[str]:
    """The distinct characters of ``text`` that ``encoding`` cannot encode, in order of appearance."""
    bad: list[str] = []
    for char in text:
        if char not in bad:
            try:
                char.encode(encoding)
            except UnicodeEncodeError:
                bad.append(char)
    return bad


def cp949_bytes(text: str, field: str = "body") -> int:
    """Bytes of ``text`` in CP949; raises :class:`Unencodable` naming what cannot be encoded."""
    try:
        return len(text.encode("cp949"))
    except UnicodeEncodeError:
        raise Unencodable(unencodable(text, "cp949"), field) from None


def split_by(text: str, size, limit: int) -> tuple[str, ...]:
    """Greedy split into parts whose summed ``size(char)`` stays within ``limit``; no character is cut."""
    parts, current, used = [], [], 0
    for char in text:
        width = size(char)
        if current and used + width > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += width
    if current or not parts:
        parts.append("".join(current))
    return tuple(parts)


def measure_kr(text: str, subject: str = "", image: bool = False) -> Plan:
    """SMS when the text fits 90 bytes and there is no subject or image; else LMS (MMS with an image)."""
    used = cp949_bytes(text)
    subject_bytes = cp949_bytes(subject, "subject")
    if subject_bytes > KR_SUBJECT_BYTES:
        raise TooLong(subject_bytes, KR_SUBJECT_BYTES, "subject")
    if used > KR_LMS_BYTES:
        raise TooLong(used, KR_LMS_BYTES)
    if image:
        kind = MMS
    elif used <= KR_SMS_BYTES and not subject:
        kind = SMS
    else:
        kind = LMS
    limit = KR_SMS_BYTES if kind == SMS else KR_LMS_BYTES
    parts = split_by(text, lambda c: len(c.encode("cp949")), KR_SMS_BYTES)
    return Plan("kr", kind, "cp949", used, limit, 1, parts)


def gsm_septets(char: str) -> int | None:
    """Septets of one character in GSM 03.38 (2 for the extension table), ``None`` when it is not in it."""
    try:
        return len(char.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def utf16_units(char: str) -> int:
    return len(char.encode("utf-16-le")) // 2


def concatenated(rule: str, encoding: str, text: str, size, single: int, part: int) -> Plan:
    units = sum(size(c) for c in text)
    if units <= single:
        return Plan(rule, SMS, encoding, units, single, 1, (text,))
    parts = split_by(text, size, part)
    return Plan(rule, SMS, encoding, units, part, len(parts), parts)


def measure_intl(text: str) -> Plan:
    """GSM-7 when every character is in GSM 03.38, else UCS-2; split into concatenated parts."""
    if all(gsm_septets(c) is not None for c in text):
        return concatenated("intl", "gsm7", text, gsm_septets, GSM_SINGLE, GSM_PART)
    return concatenated("intl", "ucs2", text, utf16_units, UCS2_SINGLE, UCS2_PART)


def china_text(text: str, signature: str) -> str:
    """The text as it is delivered in China: the signature in 【】 first."""
    signature = signature.strip().strip("【】")
    return f"【{signature}】{text}" if signature else text


def measure_cn(text: str, signature: str = "") -> Plan:
    """Every character (code point) counts one, the 【signature】 included: 70, then 67 per part."""
    return concatenated("cn", "ucs2", china_text(text, signature), lambda _c: 1, CN_SINGLE, CN_PART)


def measure(text: str, rule: str = "kr", *, subject: str = "", image: bool = False, signature: str = "") -> Plan:
    """The :class:`Plan` for ``text`` under ``rule`` (``kr``, ``intl`` or ``cn``)."""
    if rule == "kr":
        return measure_kr(text, subject, image)
    if rule == "intl":
        return measure_intl(text)
    if rule == "cn":
        return measure_cn(text, signature)
    raise ValueError(f"unknown length rule {rule!r}; expected one of {RULES}")
