"""Compiled workflows per entity, cached per process and refreshed when any definition changes.

Saving a record must stay cheap even with a hundred workflows, so definitions
are compiled once.  Every change bumps the ``workflows_generation`` counter in
the same transaction; each app context reads that counter once (one indexed
row) and recompiles only when it moved - so a change made by another process
(the API server vs. a worker) is seen by the next request or job.
"""
from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from flask import current_app, g

from core.db import session
from core.runtime import runtime
from plugins.workflows.models import Generation, Workflow

log = logging.getLogger("plugcrm.workflows")
_lock = threading.Lock()


def state() -> dict:
    """This app's cache: ``compiled`` = (generation, {entity: [CompiledWorkflow]}), ``functions``."""
    return current_app.extensions.setdefault("workflows", {"compiled": None, "functions": None})


def current_generation() -> int:
    if "_wf_generation" not in g:
        g._wf_generation = session().scalar(sa.select(Generation.value).where(Generation.id == 1)) or 0
    return g._wf_generation


def bump_generation() -> None:
    """Call in the transaction that changes a definition."""
    sess = session()
    updated = sess.execute(sa.update(Generation).where(Generation.id == 1).values(value=Generation.value + 1))
    if updated.rowcount == 0:
        sess.add(Generation(id=1, value=1))
        sess.flush()
    g.pop("_wf_generation", None)


def compiled_for(entity_name: str) -> list:
    """Active compiled workflows of ``entity_name`` in run order (position, id)."""
    if not state().get("defaults_checked"):
        state()["defaults_checked"] = True
        install_defaults()
    generation = current_generation()
    cached = state()["compiled"]
    if cached is None or cached[0] != generation:
        table = load_all()
        with _lock:
            state()["compiled"] = cached = (generation, table)
    return cached[1].get(entity_name, [])


def all_compiled() -> list:
    compiled_for("")
    return [w for group in state()["compiled"][1].values() for w in group]


def load_all() -> dict:
    from plugins.workflows.definitions import compile_definition

    table: dict[str, list] = {}
    rows = session().scalars(sa.select(Workflow).where(Workflow.active).order_by(Workflow.position, Workflow.id))
    entities = runtime().registry.entities
    for row in rows:
        if row.entity not in entities:
            continue  # its plugin is disabled
        try:
            compiled = compile_definition(stored_definition(row), row.id)
        except Exception as exc:  # e.g. a custom field it used was removed; shown by the API as broken
            log.warning("workflow %s (%s) cannot be compiled and is skipped: %s", row.id, row.name, exc)
            continue
        table.setdefault(row.entity, []).append(compiled)
    return table


def install_defaults() -> None:
    """Default workflows of the enabled plugins, installed once per process start (idempotent)."""
    from plugins.workflows.services import install_defaults as install

    try:
        with session().begin_nested():
            install()
    except Exception:  # never let a plugin's broken default break saving records
        log.exception("installing default workflows failed")


def stored_definition(row: Workflow) -> dict:
    return {"name": row.name, "entity": row.entity, "description": row.description, "active": row.active,
            "log_all": row.log_all, "trigger": row.trigger, "conditions": row.conditions, "tasks": row.tasks}


def functions() -> dict:
    if state()["functions"] is None:
        from plugins.workflows.definitions import functions as collect

        state()["functions"] = collect()
    return state()["functions"]
