"""Human-readable companions of ids and codes: reference titles, user names, picklist labels."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import session
from core.entities import picklists
from core.entities.query import visible_select
from core.runtime import runtime


def reference_title(title, deleted_at) -> str:
    """A referenced record's title; one in the recycle bin says so rather than vanishing."""
    return _("%(title)s (in the recycle bin)", title=title) if deleted_at is not None else str(title)


def display_values(entity, records: list[dict], user) -> list[dict]:
    """``{field: label}`` per record, with one query per reference field for the whole page."""
    from core.security.users import names_of

    fields = runtime().registry.fields(entity)
    result = [{} for _ in records]
    user_fields = [f.name for f in fields if f.type == "user"] + (["owner_id"] if entity.owned else [])
    user_ids = {r.get(n) for r in records for n in user_fields} - {None}
    names = names_of(user_ids)
    for f in fields:
        if f.type == "reference":
            ids = {r.get(f.name) for r in records} - {None}
            if not ids:
                continue
            target = runtime().registry.get(f.target)
            table = target.table
            title = table.c[target.title_field]
            titles = {rid: reference_title(name, deleted_at) for rid, name, deleted_at in session().execute(
                visible_select(target, user, table.c.id, title, table.c.deleted_at, include_deleted=True)
                .where(table.c.id.in_(ids)))}
            for out, r in zip(result, records):
                if r.get(f.name) is not None:
                    out[f.name] = titles.get(r[f.name])
        elif f.type in ("picklist", "multipicklist"):
            labels = picklists.labels(f.picklist)
            for out, r in zip(result, records):
                value = r.get(f.name)
                if value:
                    out[f.name] = (labels.get(value, value) if f.type == "picklist"
                                   else [labels.get(v, v) for v in value])
    for out, r in zip(result, records):
        for name in user_fields:
            if r.get(name) is not None:
                out[name] = names.get(r[name])
    return result
