"""Global search: every searchable entity the user may see, grouped, through ``visible_select``."""
from __future__ import annotations

from flask import render_template, request

from core.db import session
from core.entities.query import search_condition, visible_select
from core.ui.blueprint import ui
from core.ui.shell import visible_entities
from core.security.auth import current_user_or_none

PER_ENTITY = 10


def search_groups(user, q: str) -> list[dict]:
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
        rows = session().execute(stmt).all()
        if rows:
            groups.append({"entity": entity, "rows": rows[:PER_ENTITY], "more": len(rows) > PER_ENTITY})
    return groups


@ui.get("/search")
def global_search():
    q = (request.args.get("q") or "").strip()
    groups = search_groups(current_user_or_none(), q) if q else []
    return render_template("ui/search.html", q=q, groups=groups)
