"""The audit log: who changed which field of which record, when, from what to what.

Rows are only ever inserted; no API updates or deletes them.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Iterable

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, session, utcnow
from core.secret_values import is_set
from core.security.fields import visible_changes
from core.security.models import LoginEvent

HIDDEN = "********"
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
    session().add(AuditEntry(**change_row(action, entity, record, user, old=old, changed=changed)))


def change_row(action, entity, record, user, *, old=None, changed=None) -> dict:
    """The audit row's columns for one change (the importer inserts many of these at once)."""
    changes = None
    if action in ("update", "transfer") and old is not None:
        changes = {k: [old.get(k), record.get(k)] for k in sorted(changed or ()) if k not in SKIP}
    elif action == "create":
        changes = {k: [None, v] for k, v in record.items()
                   if v is not None and k not in SKIP and v != "" and v != []}  # most are None: asked first
    # orjson writes dates and times as isoformat() does (and Decimal through str): what json.dumps of
    # jsonable() values gave, at a fraction of the cost when an import audits thousands of records
    return dict(user_id=getattr(user, "id", None), action=action, entity=entity.name, record_id=record["id"],
                changes=orjson.dumps(changes, default=str).decode() if changes else None)


def log_settings_change(key: str, old: dict, new: dict, user, *, secret: tuple[str, ...] = ()) -> None:
    """An administrator changed stored settings ``key``; a secret field shows only whether it is set."""
    def shown(name, value):
        return (HIDDEN if is_set(value) else None) if name in secret else jsonable(value)

    changes = {k: [shown(k, old.get(k)), shown(k, new.get(k))] for k in sorted(set(old) | set(new))
               if old.get(k) != new.get(k)}
    if changes:
        session().add(AuditEntry(user_id=getattr(user, "id", None), action="settings", entity=f"settings.{key}",
                                 record_id=None, changes=json.dumps(changes, ensure_ascii=False)))


def log_transfer(entity, moved: list[tuple[dict, dict, set[str]]], user) -> None:
    """One ``transfer`` entry per ``(old, record, changed)`` whose owner changed (so the record's history shows it).

    The entry names the new owner and whatever ``crm_before_save`` changed with it.
    """
    if not moved:
        return
    at = utcnow()
    session().execute(sa.insert(AuditEntry), [
        {"at": at, **change_row("transfer", entity, record, user, old=old, changed=changed)}
        for old, record, changed in moved])


def log_purge(entity, record_ids: list[int], user) -> None:
    if not record_ids:
        return
    at = utcnow()
    session().execute(sa.insert(AuditEntry), [
        {"at": at, "user_id": getattr(user, "id", None), "action": "purge", "entity": entity.name,
         "record_id": rid, "changes": None} for rid in record_ids])


def entry_json(r: AuditEntry) -> dict:
    return {"id": r.id, "at": r.at.isoformat().replace("+00:00", "Z"), "user_id": r.user_id,
            "action": r.action, "entity": r.entity, "record_id": r.record_id,
            "changes": json.loads(r.changes) if r.changes else {}}


def login_json(r: LoginEvent) -> dict:
    return {"id": r.id, "at": r.at.isoformat().replace("+00:00", "Z"), "user_id": r.user_id,
            "email": r.email, "method": r.method, "success": r.success, "reason": r.reason,
            "ip": r.ip, "user_agent": r.user_agent}


def history(entity_name: str, record_id: int, hidden: Iterable[str] = ()) -> list[dict]:
    """The record's entries, oldest first, without changes to the ``hidden`` fields.

    Every history a user reads (the API and the page) passes
    :func:`core.security.fields.hidden_fields`; an update that changed only
    hidden fields is left out whole, as if it had not happened.
    """
    rows = session().scalars(sa.select(AuditEntry).where(AuditEntry.entity == entity_name,
                                                          AuditEntry.record_id == record_id)
                             .order_by(AuditEntry.id))
    entries = []
    for r in rows:
        changes = json.loads(r.changes) if r.changes else {}
        shown = visible_changes(changes, hidden)
        if changes and not shown and r.action == "update":
            continue
        entries.append({"id": r.id, "at": r.at.isoformat().replace("+00:00", "Z"), "user_id": r.user_id,
                        "action": r.action, "changes": shown})
    return entries
