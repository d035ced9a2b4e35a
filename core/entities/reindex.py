"""Rewriting the stored search text of existing records (``plugcrm search reindex``).

``search_text`` is computed when a record is written, so rows written before a plugin's
``crm_search_expanders`` existed (or before a field became searchable) lack those forms until they
are rewritten here.  Version and timestamps are left alone: the record itself did not change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from core import search_index
from core.db import session
from core.entities.declaration import Entity
from core.entities.records import build_search_text, entity_fields, row_to_record, search_expanders


@dataclass
class ReindexResult:
    rows: int
    changed: int


def reindex(entity: Entity, *, batch_size: int = 2000,
            progress: Callable[[int, int], None] | None = None) -> ReindexResult:
    """Recompute every row's search text (recycle bin included), then rebuild the index.

    Commits the request's session after each batch, so a long run holds no lock for long.

    ``progress(done, total)`` is called after each batch.  The rebuild at the end also repairs an
    index that drifted from its table (rows written while its triggers were missing).
    """
    table = entity.table
    fields = entity_fields(entity)
    expanders = search_expanders()
    sess = session()
    search_index.ensure(sess.connection(), table.name)
    total = sess.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    sess.commit()
    write = (sa.update(table).where(table.c.id == sa.bindparam("row_id"))
             .values(search_text=sa.bindparam("new_text")))
    done = changed = last_id = 0
    while True:
        conn = sess.connection()
        rows = conn.execute(sa.select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch_size)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            text = build_search_text(entity, fields, row_to_record(entity, row, fields), expanders)
            if text != row.search_text:
                updates.append({"row_id": row.id, "new_text": text})
        if updates:
            conn.execute(write, updates)
        sess.commit()
        done, changed, last_id = done + len(rows), changed + len(updates), rows[-1].id
        if progress:
            progress(done, total)
    search_index.rebuild(sess.connection(), table.name)
    sess.commit()
    return ReindexResult(rows=done, changed=changed)
