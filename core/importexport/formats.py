"""Which file formats exist: the built-in ones plus those plugins contribute through hooks."""
from __future__ import annotations

from typing import Callable

from core.errors import PluginError
from core.runtime import runtime

BUILTIN_IMPORT = (".xlsx", ".csv", ".txt")
BUILTIN_EXPORT = ("xlsx", "csv")


def hook_readers() -> dict[str, Callable]:
    """``{".vcf": reader}`` from ``crm_import_formats`` (extensions lower-case, with the dot)."""
    return collect(runtime().hook.crm_import_formats, "import", lambda k: "." + k.lower().lstrip("."))


def hook_writers() -> dict[str, Callable]:
    """``{"vcf": writer}`` from ``crm_export_formats``."""
    return collect(runtime().hook.crm_export_formats, "export", lambda k: k.lower().lstrip("."))


def collect(hook, kind: str, key) -> dict[str, Callable]:
    table: dict[str, Callable] = {}
    for impl in hook.get_hookimpls():
        for name, fn in (impl.function() or {}).items():
            name = key(name)
            builtin = BUILTIN_IMPORT if kind == "import" else BUILTIN_EXPORT
            if name in table or name in builtin:
                raise PluginError(f"plugin {impl.plugin_name!r}: {kind} format {name!r} is already registered")
            table[name] = fn
    return table


def import_formats() -> list[str]:
    return list(BUILTIN_IMPORT) + sorted(hook_readers())


def export_formats() -> list[str]:
    return list(BUILTIN_EXPORT) + sorted(hook_writers())
