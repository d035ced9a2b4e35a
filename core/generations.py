"""Generation counters: a process caches definitions and still sees another process's changes.

Picklists, custom fields and workflow definitions are read on nearly every request but change
rarely.  A change bumps its named counter in the same transaction (:func:`bump`); each app context
reads all counters once (one small query, :func:`current`) and :func:`cached` reloads a value only
when its counter moved, so the API server sees a change made by a worker (and vice versa) on its
next request.  Inside a transaction that bumped a counter, values are cached for that request only:
nothing uncommitted ever reaches the process-wide cache.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, session

STORE = "plugcrm.generations"


class GenerationRow(Base):
    __tablename__ = "core_generations"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


COUNTERS = sa.select(GenerationRow.__table__.c.name, GenerationRow.__table__.c.value)


def current(name: str) -> int:
    """The counter ``name`` as this app context first read it (all counters in one query)."""
    counters = g.get("_crm_generations")
    if counters is None:
        counters = g._crm_generations = dict(session().connection().execute(COUNTERS).all())
    return counters.get(name, 0)


def bump(name: str, sess=None) -> None:
    """Mark the definitions behind ``name`` as changed; call in the transaction that changes them.

    ``sess`` is a session or a connection (a mapper event's); by default this app context's session.
    """
    sess = sess if sess is not None else session()
    table = GenerationRow.__table__
    updated = sess.execute(sa.update(table).where(table.c.name == name).values(value=table.c.value + 1))
    if updated.rowcount == 0:
        sess.execute(sa.insert(table).values(name=name, value=1))
    if has_app_context():
        g.pop("_crm_generations", None)
        g.setdefault("_crm_generations_bumped", set()).add(name)
        g.pop("_crm_generations_local", None)


def cached(name: str, key: Hashable, loader: Callable[[], Any]) -> Any:
    """``loader()``, shared by the whole process while counter ``name`` does not move.

    The value must not be changed by its users (it is shared between threads and requests).
    """
    if name in g.get("_crm_generations_bumped", ()):
        local = g.setdefault("_crm_generations_local", {})
        if (name, key) not in local:
            local[(name, key)] = loader()
        return local[(name, key)]
    store = current_app.extensions.setdefault(STORE, {})
    generation = current(name)
    entry = store.get(name)
    if entry is None or entry[0] != generation:
        entry = store[name] = (generation, {})
    values = entry[1]
    if key not in values:
        values[key] = loader()
    return values[key]
