"""Which plugins a workflow needs, and whether it is paused because one of them is disabled.

A workflow installed by or for a plugin records that plugin (``Workflow.plugin``);
every workflow also records the plugins it needs (``Workflow.requires``: its
entity's plugin, the plugins of its task types and functions).  Disabling one
of them pauses the workflow - it is kept, shown as paused with the reason, and
skipped by saves and sweeps - and enabling the plugin again resumes it.
"""
from __future__ import annotations

import json
import re

from core.plugin_api import translator
from core.runtime import runtime
from plugins.workflows.definitions import CompiledWorkflow
from plugins.workflows.models import Workflow
from plugins.workflows.tasks import BUILTIN_TASK_TYPES

_, _l = translator("workflows")
ngettext = translator("workflows").ngettext


def required_plugins(row: Workflow, compiled: CompiledWorkflow) -> list[str]:
    """The plugins ``row`` needs: its owner, its entity's plugin, those of its task types and functions."""
    needed = {row.plugin, compiled.entity.plugin}
    needed |= {contributor for t in compiled.tasks if (contributor := contributors("task")[t.type.name])}
    text = json.dumps([row.conditions, row.tasks], ensure_ascii=False)
    needed |= {owner for name, owner in contributors("function").items() if re.search(rf"\b{name}\s*\(", text)}
    return sorted(needed - {"", "workflows"})


def contributors(kind: str) -> dict[str, str]:
    """``{task type or function name: plugin}`` of what plugins contribute (built-ins: "")."""
    hook = runtime().plugins.pm.hook
    impls = (hook.crm_workflow_task_types if kind == "task" else hook.crm_workflow_functions).get_hookimpls()
    owners = {name: "" for name in (BUILTIN_TASK_TYPES if kind == "task" else {})}
    for impl in impls:
        owners.update({name.lower() if kind == "function" else name: impl.plugin_name
                       for name in (impl.function() or {})})
    return owners


def missing_plugins(row: Workflow) -> list[str]:
    """The plugins ``row`` needs that are not enabled in this process."""
    enabled = set(runtime().plugins.enabled_names)
    return sorted(p for p in {row.plugin, *(row.requires or [])} - {""} if p not in enabled)


def pause_reason(row: Workflow) -> str | None:
    """Why ``row`` does not run although switched on (a plugin it needs is disabled), or ``None``."""
    rt = runtime()
    missing = missing_plugins(row)
    if missing:
        labels = [str(rt.plugins.installed[p].manifest.label) if p in rt.plugins.installed else p for p in missing]
        return ngettext("Paused: the plugin %(names)s is disabled.", "Paused: the plugins %(names)s are disabled.",
                        len(missing), names=", ".join(labels))
    if row.entity not in rt.registry.entities:
        return _("Paused: the plugin that provides %(entity)s is disabled.", entity=row.entity)
    return None


def status(row: Workflow) -> tuple[str, str | None]:
    """``("active" | "paused" | "off", reason)`` for lists and the API."""
    if not row.active:
        return "off", None
    reason = pause_reason(row)
    return ("paused", reason) if reason else ("active", None)


