"""Which file formats exist: the built-in ones plus those plugins contribute through hooks.

A plugin's export format is a writer (any entity) or an :class:`ExportFormat` naming the entities it
serves and the list-page buttons that start it; the export API refuses a format the entity does not
declare, and the list page offers a plugin format's buttons only on those entities' lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from core.errors import PluginError
from core.runtime import runtime

BUILTIN_IMPORT = (".xlsx", ".csv", ".txt")
BUILTIN_EXPORT = ("xlsx", "csv")


@dataclass(frozen=True)
class ExportFormat:
    """An export format a plugin contributes (``crm_export_formats``): ``{"pdf.zip": ExportFormat(...)}``.

    ``writer(entity, records, fileobj)`` writes the file (see ``hooks.crm_export_formats``).
    ``entities`` are the entity names it serves (empty: every entity); the export API answers a 400
    for any other.  ``buttons`` are the list page's buttons, ``{scope: label}`` with scope
    ``selected``, ``page`` or ``all`` and a translated label (``_l("Print selected (PDF, ZIP)")``);
    none: the format is for the API only.  ``as_job``: the buttons always run it as an export job
    (progress and a download link), for formats that take seconds per record.
    """
    writer: Callable
    entities: tuple[str, ...] = ()
    buttons: dict[str, Any] = field(default_factory=dict)
    as_job: bool = False

    def serves(self, entity_name: str) -> bool:
        return not self.entities or entity_name in self.entities


def hook_readers() -> dict[str, Callable]:
    """``{".vcf": reader}`` from ``crm_import_formats`` (extensions lower-case, with the dot)."""
    return collect(runtime().hook.crm_import_formats, "import", lambda k: "." + k.lower().lstrip("."))


def hook_writers() -> dict[str, ExportFormat]:
    """``{"vcf": ExportFormat}`` from ``crm_export_formats`` (a bare writer serves every entity)."""
    table = collect(runtime().hook.crm_export_formats, "export", lambda k: k.lower().lstrip("."))
    return {name: value if isinstance(value, ExportFormat) else ExportFormat(value) for name, value in table.items()}


def collect(hook, kind: str, key) -> dict[str, Any]:
    table: dict[str, Any] = {}
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


def export_formats(entity_name: str | None = None) -> list[str]:
    """Every export format, or those ``entity_name`` can be exported as."""
    writers = hook_writers()
    return list(BUILTIN_EXPORT) + sorted(name for name, fmt in writers.items()
                                         if entity_name is None or fmt.serves(entity_name))


def export_buttons(entity_name: str) -> list[dict]:
    """The list page's buttons of the plugin formats ``entity_name`` declares:
    ``{"format", "scope", "label", "as_job"}`` in format order."""
    return [{"format": name, "scope": scope, "label": label, "as_job": fmt.as_job}
            for name, fmt in sorted(hook_writers().items()) if fmt.serves(entity_name)
            for scope, label in fmt.buttons.items()]
