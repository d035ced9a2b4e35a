"""Uploaded file names made safe to store and show (attachments, import files)."""
from __future__ import annotations

import re
import unicodedata

FORBIDDEN_CHARS = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')
MAX_NAME = 180


def sanitise_filename(raw: str | None) -> str:
    """The last path component, NFC, without control or reserved characters or leading dots; never empty.

    Invisible format characters are dropped: a right-to-left override (U+202E) would show
    ``invoice<U+202E>fdp.exe`` as ``invoiceexe.pdf``.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    name = re.split(r"[/\\]", name)[-1]
    name = FORBIDDEN_CHARS.sub("_", name).strip().lstrip(". ").rstrip(". ")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name or "file"
