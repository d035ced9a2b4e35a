"""The recycle bin across entities: what a user may see there, and the administrator's purge.

Deleting only stamps ``deleted_at`` (:func:`core.entities.records.delete`),
so restore brings a record back with everything that points at it.  Purging
removes the row for good: receivers of :data:`core.signals.record_purged`
remove what belongs to it first (notes, attachment files), reference fields
elsewhere fall back to empty (``ON DELETE SET NULL``), and a required reference pointing at it
refuses the purge (409) until that record is gone.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import clock, signals
from core.audit import log_purge
from core.bounds import MAX_DAYS
from core.db import session
from core.entities import records
from core.entities.query import visible_select
from core.errors import Conflict, NotFound, ValidationError
from core.runtime import runtime
from core.security.permissions import can, require_admin


def deleted_select(entity, user) -> sa.Select:
    """The deleted records of ``entity`` that ``user`` may see, as (entity, id, title, deleted_at, deleted_by_id)."""
    table = entity.table
    title = table.c[entity.title_field] if entity.title_field in table.c else table.c.id
    return visible_select(entity, user, sa.literal(entity.name, sa.String).label("entity"),
                          table.c.id.label("id"), sa.cast(title, sa.String).label("title"),
                          table.c.deleted_at.label("deleted_at"),
                          table.c.updated_by_id.label("deleted_by_id"),
                          include_deleted=True).where(table.c.deleted_at.is_not(None))


def list_deleted(user, entity_names: list[str] | None, page: int, per_page: int) -> tuple[list[dict], int]:
    """One page of the bin, newest deletion first, across every entity the user may view."""
    entities = [runtime().registry.get(n) for n in entity_names] if entity_names else \
        list(runtime().registry.entities.values())
    selects = [deleted_select(e, user) for e in entities if can(user, e, "view")]
    if not selects:
        return [], 0
    union = sa.union_all(*selects).subquery()
    sess = session()
    total = sess.execute(sa.select(sa.func.count()).select_from(union)).scalar_one()
    rows = sess.execute(sa.select(union).order_by(union.c.deleted_at.desc(), union.c.entity, union.c.id.desc())
                        .limit(per_page).offset((page - 1) * per_page)).all()
    return [{"entity": r.entity, "id": r.id, "title": r.title, "deleted_by_id": r.deleted_by_id,
             "deleted_at": r.deleted_at.isoformat().replace("+00:00", "Z")} for r in rows], total


def purge(entity, record_id: int, user) -> None:
    """Remove one record in the bin for good (administrators only)."""
    require_admin(user)
    record = records.fetch(entity, record_id)
    if record is None:
        raise NotFound(_("Record not found."))
    if record["deleted_at"] is None:
        raise Conflict(_("Only records in the recycle bin can be purged; delete it first."))
    remove(entity, [record], user)


def purge_older(days, user) -> dict[str, int]:
    """Remove every record deleted more than ``days`` days ago, in every entity."""
    require_admin(user)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
        raise ValidationError(_("Some fields are not valid."),
                              {"older_than_days": _("A whole number from 0 to %(n)s.", n=MAX_DAYS)})
    cutoff = clock.now() - dt.timedelta(days=days)
    purged = {}
    for entity in runtime().registry.entities.values():
        table = entity.table
        rows = session().execute(sa.select(table).where(table.c.deleted_at < cutoff)).all()
        fields = records.entity_fields(entity)
        remove(entity, [records.row_to_record(entity, row, fields) for row in rows], user)
        purged[entity.name] = len(rows)
    return purged


def remove(entity, found: list[dict], user) -> None:
    if not found:
        return
    sess = session()
    for record in found:
        signals.record_purged.send(entity.name, entity=entity, record=record, user=user, session=sess)
    ids = [r["id"] for r in found]
    try:
        with sess.begin_nested():
            sess.execute(sa.delete(entity.table).where(entity.table.c.id.in_(ids)))
    except IntegrityError:
        raise Conflict(_("Other records still depend on this record; it cannot be purged.")) from None
    log_purge(entity, ids, user)
