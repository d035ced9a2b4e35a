"""Global search: every searchable entity the user may see, grouped, through ``visible_select``."""
from __future__ import annotations

from flask import render_template, request

from core.db import session
from core.entities.display import display_values
from core.entities.query import search_condition, visible_fields, visible_select
from core.ui.blueprint import ui
from core.ui.shell import visible_entities
from core.security.auth import current_user_or_none

PER_ENTITY = 10


def context_reference(entity, user):
    """The first reference among the entity's list columns (a contact's account), shown beside each hit."""
    fields = visible_fields(entity, user)
    for name in entity.default_columns:
        if name in fields and fields[name].type == "reference":
            return fields[name]
    return None


def search_groups(user, q: str) -> list[dict]:
    """Per entity: the hits as ``(id, title, number)`` rows and the label of their context reference."""
    groups = []
    for entity in visible_entities(user):
        condition = search_condition(entity, q) if entity.search_fields or entity.numbering else None
        if condition is None:
            continue
        table = entity.table
        title = table.c[entity.title_field]
        columns = [table.c.id, title] + ([table.c.number] if entity.numbering else [])
        stmt = (visible_select(entity, user, *columns).where(condition)
                .order_by(table.c.updated_at.desc(), table.c.id.desc()).limit(PER_ENTITY + 1))
        reference = context_reference(entity, user)
        if reference is not None:
            stmt = stmt.add_columns(table.c[reference.name])
        rows = session().execute(stmt).all()
        if rows:
            shown = rows[:PER_ENTITY]
            context = ([None] * len(shown) if reference is None else
                       [d.get(reference.name) for d in display_values(
                           entity, [{reference.name: r[-1]} for r in shown], user)])
            groups.append({"entity": entity, "rows": [(r[0], r[1], r[2] if entity.numbering else None)
                                                      for r in shown],
                           "context": context, "reference": reference, "more": len(rows) > PER_ENTITY})
    return groups


@ui.get("/search")
def global_search():
    q = (request.args.get("q") or "").strip()
    groups = search_groups(current_user_or_none(), q) if q else []
    return render_template("ui/search.html", q=q, groups=groups)
