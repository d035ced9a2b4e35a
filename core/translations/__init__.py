"""Gettext catalogues of the core (``<lang>/LC_MESSAGES/messages.po``), compiled on start-up."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def compile_catalogues(folder: Path) -> None:
    """Compile every ``.po`` whose ``.mo`` is missing or older (cheap; skipped when up to date)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        try:
            with mo.open("wb") as f:
                write_mo(f, catalog)
        except OSError:  # read-only install: the packaged .mo is used as it is
            pass


def translation_dirs(plugin_set) -> list[str]:
    dirs = [HERE] + [Path(d) for group in plugin_set.pm.hook.crm_translation_dirs() for d in group or []]
    for folder in dirs:
        compile_catalogues(folder)
    return [str(d) for d in dirs]
