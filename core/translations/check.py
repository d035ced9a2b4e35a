"""Report catalogue messages without a translation (``python -m core.translations.check [folder]``)."""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po

HERE = Path(__file__).parent
REQUIRED = ("ko", "zh_Hans", "en")


def untranslated(folder: Path = HERE) -> dict[str, list[str]]:
    """``{language: [msgid, ...]}`` for every msgid whose msgstr is empty or fuzzy."""
    missing = {}
    for lang in REQUIRED:
        with (folder / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f)
        ids = []
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(s and s.strip() for s in strings):
                ids.append(message.id if isinstance(message.id, str) else message.id[0])
        missing[lang] = ids
    return missing


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    missing = untranslated(folder)
    for lang, ids in missing.items():
        for msgid in ids:
            print(f"{lang}: untranslated: {msgid!r}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
