"""Where a page may send the browser next: a path on this site, never another site (no open redirects).

Browsers are lenient when they read a ``Location``: they drop tabs and line breaks
anywhere (``/<TAB>/evil.example`` becomes ``//evil.example``, another host), trim
leading control characters and spaces, and read ``\\`` as ``/``.  So a target is
accepted only when it has none of those characters, starts with exactly one ``/``,
and names no scheme or host, also once percent-decoded (for whatever decodes it again).
"""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

# control (Cc), format (Cf: bidi overrides, zero-width) and separator (Z*) characters
REFUSED_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp")


def local_target(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site (``/...``), else ``fallback``."""
    if isinstance(target, str) and is_local_path(target) and is_local_path(unquote(target)):
        return target
    return fallback


def is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return False
    if any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
