"""The audit log: who changed which field of which record, when, from what to what.

Rows are only ever inserted; no API updates or deletes them.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, session, utcnow

SKIP = {"version", "updated_at", "updated_by_id", "created_at", "created_by_id", "deleted_at", "id"}


class AuditEntry(Base):
    __tablename__ = "core_audit_log"
    __table_args__ = (sa.Index("ix_core_audit_log_record", "entity", "record_id", "id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    action: Mapped[str] = mapped_column(sa.String(20))
    entity: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[int | None]
    changes: Mapped[str | None] = mapped_column(sa.Text)  # JSON: {field: [old, new]}


def jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def log_record_change(action, entity, record, user, *, old=None, changed=None) -> None:
    changes = None
    if action == "update" and old is not None:
        changes = {k: [jsonable(old.get(k)), jsonable(record.get(k))] for k in sorted(changed or ()) if k not in SKIP}
    elif action == "create":
        changes = {k: [None, jsonable(v)] for k, v in record.items() if k not in SKIP and v not in (None, "", [])}
    session().add(AuditEntry(user_id=getattr(user, "id", None), action=action, entity=entity.name,
                             record_id=record["id"],
                             changes=json.dumps(changes, ensure_ascii=False) if changes else None))


def history(entity_name: str, record_id: int) -> list[dict]:
    rows = session().scalars(sa.select(AuditEntry).where(AuditEntry.entity == entity_name,
                                                          AuditEntry.record_id == record_id)
                             .order_by(AuditEntry.id))
    return [{"id": r.id, "at": r.at.isoformat().replace("+00:00", "Z"), "user_id": r.user_id,
             "action": r.action, "changes": json.loads(r.changes) if r.changes else {}} for r in rows]
