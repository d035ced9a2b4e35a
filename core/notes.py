"""Notes (comments) on any record, kept by entity name and record id.

Notes are not deleted with their record: a record in the recycle bin keeps
them and a restore shows them again (they are only reachable through a
visible record, see :func:`core.entities.records.get`).  Purging a record
removes its notes.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from core import clock, signals
from core.db import Base, UTCDateTime, session
from core.entities import records
from core.errors import Forbidden, NotFound, ValidationError

MAX_BODY = 20000


class Note(Base):
    __tablename__ = "core_notes"
    __table_args__ = (sa.Index("ix_core_notes_record", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[int] = mapped_column(sa.BigInteger)
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


def note_json(note: Note, user, names: dict[int, str]) -> dict:
    return {"id": note.id, "entity": note.entity, "record_id": note.record_id, "body": note.body,
            "author_id": note.author_id, "author_name": names.get(note.author_id, ""),
            "created_at": note.created_at.isoformat(),
            "updated_at": note.updated_at.isoformat() if note.updated_at else None,
            "can_edit": may_change(note, user, editing=True), "can_delete": may_change(note, user, editing=False)}


def may_change(note: Note, user, *, editing: bool) -> bool:
    """Authors edit and delete their own notes; administrators may delete (not rewrite) anyone's."""
    return note.author_id == user.id or (not editing and user.is_admin)


def clean_body(data) -> str:
    text = data.get("body") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(_("Write something first."), fields={"body": _("This field is required.")})
    if len(text) > MAX_BODY:
        raise ValidationError(_("The note is too long."),
                              fields={"body": _("At most %(n)s characters.", n=MAX_BODY)})
    return text.strip()


def list_notes(entity, record_id: int, user) -> list[Note]:
    records.get(entity, record_id, user)
    stmt = (sa.select(Note).where(Note.entity == entity.name, Note.record_id == record_id)
            .order_by(Note.created_at.desc(), Note.id.desc()))
    return list(session().scalars(stmt))


def add_note(entity, record_id: int, data: dict, user) -> Note:
    records.get(entity, record_id, user)
    note = Note(entity=entity.name, record_id=record_id, body=clean_body(data), author_id=user.id,
                created_at=clock.now())
    session().add(note)
    session().flush()
    return note


def own_note(entity, record_id: int, note_id: int, user, *, editing: bool) -> Note:
    records.get(entity, record_id, user)
    note = session().get(Note, note_id)
    if note is None or note.entity != entity.name or note.record_id != record_id:
        raise NotFound(_("Note not found."))
    if not may_change(note, user, editing=editing):
        raise Forbidden(_("You can only change your own notes."))
    return note


def update_note(entity, record_id: int, note_id: int, data: dict, user) -> Note:
    note = own_note(entity, record_id, note_id, user, editing=True)
    note.body = clean_body(data)
    note.updated_at = clock.now()
    return note


def delete_note(entity, record_id: int, note_id: int, user) -> None:
    session().delete(own_note(entity, record_id, note_id, user, editing=False))


def count(entity_name: str, record_id: int) -> int:
    return session().scalar(sa.select(sa.func.count()).select_from(Note)
                            .where(Note.entity == entity_name, Note.record_id == record_id))


def purge_for(entity_name: str, record_ids: list[int]) -> None:
    session().execute(sa.delete(Note).where(Note.entity == entity_name, Note.record_id.in_(record_ids)))


def _on_purge(_sender, *, entity, record, **_kw):
    purge_for(entity.name, [record["id"]])


def _on_bulk_purge(_sender, *, entity, ids, **_kw):
    purge_for(entity.name, ids)


signals.record_purged.connect(_on_purge)
signals.records_purged.connect(_on_bulk_purge)
