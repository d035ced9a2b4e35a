"""Tables of the importer and exporter (core tables; the lead's core migration creates them).

``core_imports`` is one import run (options, progress, counts);
``core_import_rows`` says what each file row became: the record it created or
updated (with the overwritten values, for undo) or why it was rejected (with
the raw cells, for the error workbook).  Undo works set-based off this table.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, json_type, utcnow

BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

QUEUED, RUNNING, DONE, FAILED, UNDONE = "queued", "running", "done", "failed", "undone"
CREATED, UPDATED, REJECTED = "created", "updated", "rejected"


class ImportBatch(Base):
    __tablename__ = "core_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default=QUEUED)
    file_name: Mapped[str] = mapped_column(sa.String(255), default="")
    file_path: Mapped[str | None] = mapped_column(sa.String(500))
    options: Mapped[dict] = mapped_column(json_type(), default=dict)
    total: Mapped[int | None]
    done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.Text)
    job_id: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ImportRow(Base):
    __tablename__ = "core_import_rows"
    __table_args__ = (sa.Index("ix_core_import_rows_batch_action", "batch_id", "action"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("core_imports.id", ondelete="CASCADE"))
    row_number: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(10))
    record_id: Mapped[int | None]
    version: Mapped[int | None]  # the record's version right after the import (undo skips later edits)
    data: Mapped[dict | None] = mapped_column(json_type())  # overwritten values, or the rejected row's cells
    errors: Mapped[dict | None] = mapped_column(json_type())  # {column: reason}


class ImportMapping(Base):
    """A saved column mapping ``{header: field}`` for an entity."""

    __tablename__ = "core_import_mappings"
    __table_args__ = (sa.UniqueConstraint("entity", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(100))
    mapping: Mapped[dict] = mapped_column(json_type(), default=dict)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExportFile(Base):
    """An export written by a job, downloaded when done."""

    __tablename__ = "core_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default=QUEUED)
    format: Mapped[str] = mapped_column(sa.String(10))
    params: Mapped[dict] = mapped_column(json_type(), default=dict)
    file_path: Mapped[str | None] = mapped_column(sa.String(500))
    rows: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.Text)
    job_id: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
