"""Write a plugin's ko / zh_Hans / en catalogues from a table of words (a developer's tool).

A plugin keeps its translations as one table, ``{english msgid: (korean, chinese)}``, in
``translations/words.py``; :func:`write_catalogues` extracts the plugin's messages with Babel and writes
the three ``messages.po`` files from it, English as the msgids themselves.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = (("ko", 0), ("zh_Hans", 1), ("en", None))


def write_catalogues(plugin: str, words: dict[str, tuple[str, str]]) -> list[str]:
    """Extract ``plugins/<plugin>``'s messages and write its catalogues; returns the msgids ``words`` lacks."""
    folder = ROOT / "plugins" / plugin / "translations"
    pot = folder / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "core" / "translations" / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                    "--ignore-dirs=tests", "--ignore-dirs=translations", "--no-location", "-o", str(pot),
                    str(ROOT / "plugins" / plugin)], check=True, capture_output=True)
    with pot.open("rb") as f:
        template = read_po(f)
    missing = []
    for lang, index in LANGUAGES:
        catalog = Catalog(locale=lang, project=f"plugcrm {plugin}")
        for message in template:
            if not message.id:
                continue
            if index is None:
                text = message.id
            elif message.id in words:
                text = words[message.id][index]
            else:
                missing.append(message.id)
                text = ""
            catalog.add(message.id, text)
        out = folder / lang / "LC_MESSAGES" / "messages.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as f:
            write_po(f, catalog, width=120)
    return sorted(set(missing))


def main(plugins: tuple[str, ...], words: dict[str, tuple[str, str]]) -> None:
    """``python -m plugins.<name>.translations.words``: write the catalogues, fail on untranslated msgids."""
    left = sorted({msgid for plugin in plugins for msgid in write_catalogues(plugin, words)})
    for msgid in left:
        print("untranslated:", msgid)
    raise SystemExit(1 if left else 0)
