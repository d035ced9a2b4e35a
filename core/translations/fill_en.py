"""Fill the English catalogue: each msgstr is its msgid (the source strings are English)."""
from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def fill(path: str) -> int:
    with open(path, "rb") as f:
        catalog = read_po(f)
    filled = 0
    for message in catalog:
        if message.id and not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            message.string = message.id if not isinstance(message.id, tuple) else message.id
            filled += 1
        message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalog, width=0)
    return filled


if __name__ == "__main__":
    print(f"en: {fill(sys.argv[1])} messages filled from their msgid")
