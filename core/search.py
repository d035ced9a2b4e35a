"""The text a record is found by: its search fields, phone digits and Korean initial consonants."""
from __future__ import annotations

import re

from core.phones import digits_of

CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3


# Every Hangul syllable to its initial consonant, for str.translate (a loop over the characters in Python
# cost a tenth of an import's time).
INITIALS = {code: CHOSEONG[(code - HANGUL_FIRST) // 588] for code in range(HANGUL_FIRST, HANGUL_LAST + 1)}
PHONE_LIKE = re.compile(r"\d[\d\s\-().]{5,}")
NOT_HANGUL = re.compile(f"[^{chr(HANGUL_FIRST)}-{chr(HANGUL_LAST)}]+")


def hangul_initials(text: str) -> str:
    """``해동통신`` → ``ㅎㄷㅌㅅ``; other characters are dropped."""
    return NOT_HANGUL.sub("", text).translate(INITIALS)


def search_text(values: list[str], expanders=()) -> str:
    """The searchable text of a record; ``expanders`` (``crm_search_expanders``) add more forms of each value."""
    parts = []
    for value in values:
        if not value:
            continue
        value = str(value).lower()
        parts.append(value)
        # ASCII text (numbers, codes, e-mail addresses, phones) has no Hangul initials: skip the two passes
        for expand in (expanders if value.isascii() else (hangul_initials, *expanders)):
            extra = expand(value)
            if extra:
                parts.append(extra.lower())
        if PHONE_LIKE.search(value):
            parts.append(digits_of(value))
    return " | ".join(parts)


def search_terms(q: str) -> list[str]:
    """Space-separated keywords; each must match.  Phone-like terms lose their punctuation.

    NUL characters are dropped: PostgreSQL text cannot hold them (the query would fail).
    """
    terms = []
    for term in q.replace("\x00", "").lower().split():
        if re.fullmatch(r"[\d\-().+]{4,}", term):
            term = re.sub(r"\D", "", term)
        if term:
            terms.append(term)
    return terms[:8]
