"""Write a plugin's ko / zh_Hans / en catalogues (a developer's tool).

A plugin keeps its translations as one table, ``{english msgid: (korean, chinese)}``, in
``translations/words.py``; :func:`write_catalogues` extracts the plugin's messages with Babel and writes
the three ``messages.po`` files from it, English as the msgids themselves.  A plugin without a table
keeps its translations in the ``.po`` files: :func:`update_catalogues` re-extracts its messages and
merges them into them (``python -m core.translation_tables <plugin> ...``; new msgids get an empty
ko / zh_Hans translation to fill in, and the command fails while any is empty).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = (("ko", 0), ("zh_Hans", 1), ("en", None))


def extract(plugin: str) -> Catalog:
    """``plugins/<plugin>``'s messages (its code and templates, not its tests), also written to its
    ``translations/messages.pot``."""
    folder = ROOT / "plugins" / plugin / "translations"
    folder.mkdir(exist_ok=True)
    pot = folder / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "core" / "translations" / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                    "--ignore-dirs=tests", "--ignore-dirs=translations", "--no-location", "-o", str(pot),
                    str(ROOT / "plugins" / plugin)], check=True, capture_output=True)
    with pot.open("rb") as f:
        return read_po(f)


def read_catalogue(plugin: str, lang: str) -> Catalog | None:
    path = ROOT / "plugins" / plugin / "translations" / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return None
    with path.open("rb") as f:
        return read_po(f)


def translated(string) -> bool:
    strings = string if isinstance(string, tuple) else (string,)
    return bool(strings) and all(s and s.strip() for s in strings)


def update_catalogues(plugin: str, words: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """Re-extract ``plugin``'s messages into its three catalogues: the translation from ``words``, else
    the one the catalogue holds (msgids no longer extracted stay too: they may be looked up by value);
    English is the msgid.  Returns the msgids without a ko or zh_Hans translation."""
    template = extract(plugin)
    missing = []
    for lang, index in LANGUAGES:
        old = read_catalogue(plugin, lang)
        catalog = Catalog(locale=lang, project=f"plugcrm {plugin}")
        for message in template:
            if not message.id:
                continue
            kept = old.get(message.id) if old is not None else None
            if index is None:
                text = message.id
            elif words and message.id in words:
                text = words[message.id][index]
            elif kept is not None and translated(kept.string) and not kept.fuzzy:
                text = kept.string
            else:
                text = ("", "") if isinstance(message.id, tuple) else ""
                missing.append(message.id if isinstance(message.id, str) else message.id[0])
            catalog.add(message.id, text, flags=message.flags)
        for message in old or ():
            if message.id and message.id not in catalog:
                catalog.add(message.id, message.string, flags=message.flags)
        out = ROOT / "plugins" / plugin / "translations" / lang / "LC_MESSAGES" / "messages.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as f:
            write_po(f, catalog, width=0)
    return sorted(set(missing))


def write_catalogues(plugin: str, words: dict[str, tuple[str, str]]) -> list[str]:
    """Extract ``plugins/<plugin>``'s messages and write its catalogues from ``words`` (then from what
    they hold); returns the msgids without a translation."""
    return update_catalogues(plugin, words)


def main(plugins: tuple[str, ...], words: dict[str, tuple[str, str]]) -> None:
    """``python -m plugins.<name>.translations.words``: write the catalogues, fail on untranslated msgids."""
    left = sorted({msgid for plugin in plugins for msgid in write_catalogues(plugin, words)})
    for msgid in left:
        print("untranslated:", msgid)
    raise SystemExit(1 if left else 0)


if __name__ == "__main__":
    left = sorted({msgid for plugin in sys.argv[1:] for msgid in update_catalogues(plugin)})
    for msgid in left:
        print("untranslated:", msgid)
    raise SystemExit(1 if left else 0)
