"""Picklists as administrators read them: a translated name and the plugin each belongs to.

A picklist's name is its declared ``label`` when the plugin gave one, otherwise the fields that use
it ("Accounts · Industry"), so ``account_industry`` never reaches the page.  Picklists created for
custom fields at run time belong to no plugin.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from core.entities.query import all_fields
from core.runtime import runtime


@dataclass(frozen=True)
class PicklistName:
    name: str
    title: str
    plugin: str        # the plugin's label, or "" for a custom field's picklist
    used_by: tuple[str, ...]


def picklist_names(names: list[str]) -> list[PicklistName]:
    """``names`` (stored picklists) with their titles and owners, sorted by title."""
    rt = runtime()
    declared = {p.name: (plugin, p) for plugin, p in rt.registry.picklists}
    users: dict[str, list[str]] = {}
    for entity in rt.registry.entities.values():
        for f in all_fields(entity).values():
            if f.picklist:
                users.setdefault(f.picklist, []).append(f"{entity.label} · {f.label}")
    out = []
    for name in names:
        plugin, picklist = declared.get(name, ("", None))
        used_by = tuple(users.get(name, ()))
        label = getattr(picklist, "label", None)
        title = str(label) if label else (used_by[0] if used_by else name)
        info = rt.plugins.installed.get(plugin)
        owner = str(info.manifest.label) if info else plugin
        out.append(PicklistName(name, title, _(owner) if owner else "", used_by))
    return sorted(out, key=lambda p: (p.plugin, p.title))

