"""Chinese pinyin initials in the search text (海东通信 → hdtx), through ``crm_search_expanders``."""
from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

HANZI = re.compile(r"[\u4e00-\u9fff]")


def pinyin_initials(text: str) -> str | None:
    """The first letters of the pinyin of every Chinese character; ``None`` when there is none."""
    if not HANZI.search(text):
        return None
    letters = lazy_pinyin("".join(HANZI.findall(text)), style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letters) or None
