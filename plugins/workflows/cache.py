"""Compiled workflows per entity, cached per process and refreshed when any definition changes.

Saving a record must stay cheap even with a hundred workflows, so definitions
are compiled once.  Every change bumps the ``workflows`` counter of
:mod:`core.generations` in the same transaction; each app context reads the
counters once and recompiles only when this one (or the custom fields' one)
moved - so a change made by another process (the API server vs. a worker) is
seen by the next request or job.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app

from core import generations
from core.db import session
from core.entities.picklists import GENERATION as META_GENERATION
from plugins.workflows.models import Workflow
from plugins.workflows.owners import pause_reason

log = logging.getLogger("plugcrm.workflows")


GENERATION = "workflows"  # core.generations counter bumped by every definition change


def state() -> dict:
    """This app's one-time work: ``defaults_checked``, the collected expression ``functions``."""
    return current_app.extensions.setdefault("workflows", {"functions": None})


def bump_generation() -> None:
    """Call in the transaction that changes a definition."""
    generations.bump(GENERATION)


def compiled_table() -> dict:
    """``{entity: [CompiledWorkflow]}``, recompiled when a definition or a custom field changed."""
    if not state().get("defaults_checked"):
        install_defaults()
    fields_generation = generations.current(META_GENERATION)  # conditions compile against custom fields
    return generations.cached(GENERATION, ("compiled", fields_generation), load_all)


def compiled_for(entity_name: str) -> list:
    """Active compiled workflows of ``entity_name`` in run order (position, id)."""
    return compiled_table().get(entity_name, [])


def all_compiled() -> list:
    return [w for group in compiled_table().values() for w in group]


def load_all() -> dict:
    from plugins.workflows.definitions import compile_definition

    table: dict[str, list] = {}
    rows = session().scalars(sa.select(Workflow).where(Workflow.active).order_by(Workflow.position, Workflow.id))
    for row in rows:
        if pause_reason(row):
            continue  # a plugin it needs is disabled
        try:
            compiled = compile_definition(stored_definition(row), row.id)
        except Exception as exc:  # e.g. a custom field it used was removed; shown by the API as broken
            log.warning("workflow %s (%s) cannot be compiled and is skipped: %s", row.id, row.name, exc)
            continue
        table.setdefault(row.entity, []).append(compiled)
    return table


def install_defaults() -> None:
    """Default workflows of the enabled plugins, installed once per process start (idempotent).

    They are installed in the transaction of the first save that needs them; only when that
    transaction commits are they taken as installed.  If it rolls back (say the save failed
    validation), the install went with it and the next transaction installs them again.
    """
    from plugins.workflows.services import install_defaults as install

    sess = session()
    if sess.info.get("workflows_defaults"):
        return  # this transaction installed them already (or is installing them: install() compiles)
    first = "workflows_defaults" not in sess.info
    sess.info["workflows_defaults"] = True
    try:
        with sess.begin_nested():
            install()
    except Exception:  # never let a plugin's broken default break saving records
        log.exception("installing default workflows failed")
        sess.info["workflows_defaults"] = None
        return
    if first:  # follow this session's transactions
        app_state = state()
        sa.event.listen(sess, "after_commit", lambda s: s.info.get("workflows_defaults") and
                        app_state.update(defaults_checked=True))
        sa.event.listen(sess, "after_soft_rollback", forget_if_lost)
    sess.info["workflows_defaults"] = enclosing_transactions(sess)


def enclosing_transactions(sess) -> list:
    """The transaction (savepoint) holding the install and every one around it."""
    chain, transaction = [], sess.get_nested_transaction() or sess.get_transaction()
    while transaction is not None:
        chain.append(transaction)
        transaction = transaction.parent
    return chain


def forget_if_lost(sess, previous_transaction) -> None:
    """A rollback of the install's transaction (or one around it) undid the install: do it again."""
    if any(previous_transaction is t for t in sess.info.get("workflows_defaults") or ()):
        sess.info["workflows_defaults"] = None


def stored_definition(row: Workflow) -> dict:
    return {"name": row.name, "entity": row.entity, "description": row.description, "active": row.active,
            "log_all": row.log_all, "trigger": row.trigger, "conditions": row.conditions, "tasks": row.tasks}


def functions() -> dict:
    if state()["functions"] is None:
        from plugins.workflows.definitions import functions as collect

        state()["functions"] = collect()
    return state()["functions"]
