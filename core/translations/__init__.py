"""Gettext catalogues: the core's (``<lang>/LC_MESSAGES/messages.po`` here) and each plugin's.

Compiled ``.mo`` files are made at build time: the wheel ships them (``setup.py``'s ``build_py``)
and ``scripts/i18n.sh`` / ``pip install -e`` compile them in a checkout.  The runtime never writes
into an installed package: a folder whose ``.mo`` files are missing or older than the ``.po``
(a plugin installed from a source folder, a ``.po`` edited since the last build) is compiled into
the instance folder (``<instance>/cache/translations``) at start-up, once per process.  A missing
or unreadable catalogue is logged at start-up (logger ``plugcrm``).
"""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).parent
LANGUAGES = ("ko", "zh_Hans", "en")
log = logging.getLogger("plugcrm")
_compiled: dict[tuple, Path] = {}  # (folder, .po mtimes, cache root) -> the folder Flask-Babel reads


def compile_catalogues(folder: Path, out: Path | None = None) -> None:
    """Compile every ``.po`` under ``folder`` into ``out`` (default: beside it) when its ``.mo`` is
    missing or older.  For build steps and ``scripts/i18n.sh``; start-up uses :func:`usable_dir`."""
    out = out or folder
    for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
        mo = out / po.relative_to(folder).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        mo.parent.mkdir(parents=True, exist_ok=True)
        partial = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as f:
            write_mo(f, catalog)
        partial.replace(mo)


def is_fresh(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns


def usable_dir(folder: Path, cache_root: Path, owner: str) -> Path | None:
    """The folder Flask-Babel should read for ``folder``'s catalogues, or ``None`` (logged).

    ``folder`` itself when every ``.po`` has an up-to-date ``.mo`` beside it (an installed wheel,
    a checkout after ``scripts/i18n.sh``); otherwise a compiled copy under ``cache_root``.
    """
    if not folder.is_dir():
        log.error("translations of %s: folder %s does not exist", owner, folder)
        return None
    for lang in LANGUAGES:
        if not any((folder / lang / "LC_MESSAGES").glob("*.[pm]o")):
            log.warning("translations of %s: no %s catalogue in %s (its text shows in English)",
                        owner, lang, folder)
    pos = sorted(folder.glob("*/LC_MESSAGES/*.po"))
    try:
        if all(is_fresh(po) for po in pos):
            return folder
        key = (str(folder), tuple(po.stat().st_mtime_ns for po in pos), str(cache_root))
        if key in _compiled and _compiled[key].is_dir():
            return _compiled[key]
        target = cache_root / f"{owner}-{hashlib.sha1(str(folder).encode()).hexdigest()[:12]}"
        compile_catalogues(folder, target)
    except (OSError, ValueError, SyntaxError) as exc:  # unreadable file, broken .po
        log.error("translations of %s in %s cannot be read (%s: %s); its text shows in English",
                  owner, folder, type(exc).__name__, exc)
        return None
    _compiled[key] = target
    return target


def catalogue_dirs(plugin_set, instance_path) -> dict[str, list[Path]]:
    """``{"core": [...], <plugin>: [...]}``: the compiled catalogue folders of the core and of every
    enabled plugin (``translations/`` by convention, or ``crm_translation_dirs``)."""
    cache_root = Path(instance_path) / "cache" / "translations"
    found = {"core": [usable_dir(HERE, cache_root, "core")]}
    for info in plugin_set.enabled:
        found[info.name] = [usable_dir(Path(d), cache_root, info.name) for d in info.translations_dirs()]
    return {owner: [d for d in dirs if d is not None] for owner, dirs in found.items()}


def default_order(dirs: dict[str, list[Path]]) -> list[str]:
    """The default domain's folders: the plugins' first (earlier-loaded plugins win among themselves),
    the core's last, so that no plugin's catalogue can change what a core string says."""
    plugins = [d for owner in reversed(list(dirs)) if owner != "core" for d in dirs[owner]]
    return [str(d) for d in plugins + dirs.get("core", [])]
