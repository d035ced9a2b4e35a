"""Refusing definitions that would trigger each other without end ("recursive update loop").

Edges of the graph, between active workflows:

* W creates records of entity E  ->  every workflow on E that fires on create;
* W updates fields later (a delayed task saves again)  ->  workflows on the
  same entity that fire on every save or on modify (including W itself);
* W updates fields inside the save  ->  another workflow on the entity whose
  conditions read one of those fields and which updates fields itself (the two
  would keep recomputing each other's inputs; their result would depend on order).

A cycle through the workflow being saved is refused with the chain of names.
"""
from __future__ import annotations

from plugins.workflows.definitions import SAVE_TRIGGERS, CompiledWorkflow


def writes_now(w: CompiledWorkflow) -> set[str]:
    return {n for t in w.tasks if t.delay is None and t.type.in_save for n in t.type.writes(t.compiled)}


def writes_later(w: CompiledWorkflow) -> set[str]:
    """Fields written by a second save: delayed tasks, and every update of a scheduled or manual workflow."""
    outside_save = w.trigger not in SAVE_TRIGGERS
    return {n for t in w.tasks if outside_save or t.delay is not None for n in t.type.writes(t.compiled)}


def triggers(w: CompiledWorkflow, v: CompiledWorkflow) -> bool:
    if not v.active or v.trigger not in SAVE_TRIGGERS:
        return False
    if v.entity.name in w.creates() and v.fires_on("create"):
        return True
    if v.entity.name != w.entity.name:
        return False
    if writes_later(w) and v.trigger in ("save", "modify"):
        return True
    return v is not w and bool(writes_now(w) & v.watched) and bool(writes_now(v))


def find_loop(candidate: CompiledWorkflow, others: list[CompiledWorkflow]) -> list[str] | None:
    """Names along a cycle that starts and ends at ``candidate``, or ``None``."""
    nodes = [candidate] + [w for w in others if candidate.id is None or w.id != candidate.id]
    stack = [(candidate, [candidate.name])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for nxt in nodes:
            if not triggers(node, nxt):
                continue
            if nxt is candidate:
                return path + [candidate.name]
            if id(nxt) not in seen:
                seen.add(id(nxt))
                stack.append((nxt, path + [nxt.name]))
    return None
