"""What an error may say about a record the caller cannot see: no existence oracle.

Uniqueness and duplicate checks look at every record, not only the caller's
(two reps must not both create the customer with business number
123-45-67890), so their errors are where invisible records could leak.  The
rule, applied here and nowhere else:

1. A record the caller can see - :func:`core.entities.query.visible_select`
   with the recycle bin included, i.e. the caller could open it or its bin
   entry - may be named (title, number, customer code).
2. For a record the caller cannot see, an error says only that the value is
   taken ("This value is already in use."): no name, no number, no code, not
   whether it is in the recycle bin.  A holder in the recycle bin counts as
   invisible unless the caller can see its bin entry (rule 1).
3. The one exception is the sales-conflict check of the seeds (판매 충돌 방지):
   for an exact typed account name or business registration number, asked one
   at a time, the answer may add *whose* it is (the owner's name, so the two
   reps can talk) - still never the record's name, number or customer code.
   Codes that can be guessed (customer code ``YYMMDD-NNN`` is dated and
   sequential) get rule 2 only.
4. Never in bulk: an import, its dry run and its preview say "already in use"
   for every stored holder and name nothing, even a visible one; only rows of
   the same file are named (the caller's own data).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import session
from core.entities.display import reference_title
from core.entities.query import visible_select


def visible_ids(entity, user, ids) -> set[int]:
    """Which of ``ids`` the caller can see, the recycle bin included (rule 1)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    table = entity.table
    stmt = visible_select(entity, user, table.c.id, include_deleted=True).where(table.c.id.in_(ids))
    return set(session().scalars(stmt))


def taken_message(title: str | None = None) -> str:
    """The uniqueness error: names the holder only when given its ``title`` (the caller can see it)."""
    if title:
        return _("Already used by %(title)s.", title=title)
    return _("This value is already in use.")


def taken_error(entity, user, value_column, value, exclude_id: int | None = None) -> str | None:
    """The error for ``value`` being taken in ``value_column`` of ``entity``, or None if it is free.

    Applies rules 1 and 2 for one value typed by one caller.
    """
    table = entity.table
    title = table.c[entity.title_field] if entity.title_field in table.c else table.c.id
    stmt = sa.select(table.c.id, title, table.c.deleted_at).where(value_column == value)
    if exclude_id is not None:
        stmt = stmt.where(table.c.id != exclude_id)
    row = session().execute(stmt.limit(1)).first()
    if row is None:
        return None
    if row[0] in visible_ids(entity, user, [row[0]]):
        return taken_message(reference_title(row[1], row[2]))
    return taken_message()


def conflict_match(match: dict, visible: bool) -> dict:
    """One sales-conflict match (rule 3): whole when visible, else only the owner and what matched."""
    if visible:
        return {**match, "visible": True}
    return {"owner": match.get("owner"), "matched_on": match.get("matched_on"), "visible": False}


def conflict_label(match: dict) -> str:
    """How an error names one match of :func:`conflict_match`: its name and number, or only its owner."""
    if match.get("visible") is False:
        if match.get("owner"):
            return _("a record of %(owner)s that you cannot see", owner=match["owner"])
        return _("a record that you cannot see")
    return f"{match['name']} ({match['number']})" if match.get("number") else str(match["name"])
