"""Undo of an import: delete what it created, restore what it overwrote.

Created records are removed with set-based statements driven by
``core_import_rows`` (a 100,000-row import is undone in a few statements);
each removal is audited (``import_undo``) and receivers of
:data:`core.signals.records_purged` clean up their rows chunk by chunk.
Updated records get their old values back through ``records.update`` unless
someone edited them after the import (their version moved on), in which case
they are left alone and counted.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from core import signals
from core.audit import AuditEntry
from core.db import session, utcnow
from core.entities import records
from core.errors import Conflict, Forbidden
from core.importexport.models import CREATED, DONE, FAILED, UNDONE, UPDATED, ImportBatch, ImportRow
from core.runtime import runtime
from core.security.permissions import require_right

CHUNK = 1000


def undo(batch: ImportBatch, user) -> dict:
    """Undo ``batch`` for ``user`` (its importer or an administrator); returns counts."""
    entity = runtime().registry.get(batch.entity)
    if batch.user_id != getattr(user, "id", None) and not getattr(user, "is_admin", False):
        raise Forbidden(_("Only the person who imported or an administrator may undo an import."))
    require_right(user, entity, "delete")
    if batch.status not in (DONE, FAILED) or batch.undone_at is not None:
        raise Conflict(_("Only a finished import that was not undone yet can be undone."))
    removed = remove_created(entity, batch, user)
    restored, kept = restore_updated(entity, batch, user)
    batch.status, batch.undone_at = UNDONE, utcnow()
    return {"removed": removed, "restored": restored, "kept": kept}


def created_ids(batch_id: int):
    return (sa.select(ImportRow.record_id)
            .where(ImportRow.batch_id == batch_id, ImportRow.action == CREATED)
            .scalar_subquery())


def remove_created(entity, batch: ImportBatch, user) -> int:
    """Delete the records ``batch`` created (set-based), auditing each removal."""
    sess = session()
    table = entity.table
    if signals.records_purged.receivers:
        ids = sess.scalars(sa.select(ImportRow.record_id).where(ImportRow.batch_id == batch.id,
                                                                ImportRow.action == CREATED)).all()
        for start in range(0, len(ids), CHUNK):
            signals.records_purged.send(entity.name, entity=entity, ids=ids[start:start + CHUNK], user=user,
                                        session=sess)
    audit = sa.select(sa.literal(utcnow(), AuditEntry.__table__.c.at.type),
                      sa.literal(getattr(user, "id", None), sa.Integer), sa.literal("import_undo"),
                      sa.literal(entity.name), table.c.id).where(table.c.id.in_(created_ids(batch.id)))
    sess.execute(sa.insert(AuditEntry).from_select(["at", "user_id", "action", "entity", "record_id"], audit))
    return sess.execute(sa.delete(table).where(table.c.id.in_(created_ids(batch.id)))).rowcount


def restore_updated(entity, batch: ImportBatch, user) -> tuple[int, int]:
    """Put overwritten values back; records edited since the import are kept as they are."""
    sess = session()
    rows = sess.execute(sa.select(ImportRow.record_id, ImportRow.version, ImportRow.data)
                        .where(ImportRow.batch_id == batch.id, ImportRow.action == UPDATED)).all()
    restored = kept = 0
    for record_id, version, data in rows:
        current = records.fetch(entity, record_id)
        if current is None or current["version"] != version or current["deleted_at"] is not None:
            kept += 1
            continue
        records.update(entity, record_id, data or {}, user, expected_version=version, check_rights=False)
        restored += 1
    return restored, kept


def take_back(batch: ImportBatch, user) -> None:
    """Remove everything a failed import wrote so far (no rights check: the system is undoing itself)."""
    entity = runtime().registry.get(batch.entity)
    remove_created(entity, batch, user)
    restore_updated(entity, batch, user)
    session().execute(sa.delete(ImportRow).where(ImportRow.batch_id == batch.id))
    batch.created = batch.updated = batch.skipped = batch.rejected = 0
