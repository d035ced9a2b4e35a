"""The durable job table ``core_jobs``."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, json_type
from core.jobs.redact import mask_text, masked_payload

QUEUED, RUNNING, DONE, FAILED, DEAD = "queued", "running", "done", "failed", "dead"
STATUSES = (QUEUED, RUNNING, DONE, FAILED, DEAD)
#: Statuses a worker may pick up once ``run_at`` has come (``failed`` waits for its retry).
WAITING = (QUEUED, FAILED)


class Job(Base):
    """One side effect to run (an email, an SMS, a webhook, a scheduled workflow).

    ``dedupe_key`` is unique while set; it is cleared when the job ends (done
    or dead), so a key means "at most one unfinished job for this purpose".
    """

    __tablename__ = "core_jobs"
    __table_args__ = (sa.Index("ix_core_jobs_due", "status", "run_at"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100), index=True)
    payload: Mapped[dict] = mapped_column(json_type(), default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    locked_by: Mapped[str | None] = mapped_column(sa.String(200))
    locked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    #: Set when an attempt of an :class:`~core.jobs.IOJob` begins its network I/O, cleared when the job ends:
    #: a later attempt that finds it set does not know whether the send happened ("in doubt").
    sending_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    progress_done: Mapped[int | None]
    progress_total: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def to_json(self, *, full: bool = False) -> dict:
        out = {
            "id": self.id, "type": self.type, "status": self.status, "attempts": self.attempts,
            "max_attempts": self.max_attempts, "run_at": iso(self.run_at),
            "last_error": mask_text(self.last_error, self.payload),  # rows stored before errors were masked
            "locked_by": self.locked_by, "locked_at": iso(self.locked_at), "dedupe_key": self.dedupe_key,
            "sending_since": iso(self.sending_since),
            "progress": {"done": self.progress_done, "total": self.progress_total},
            "created_at": iso(self.created_at), "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
        }
        if full:
            out["payload"] = masked_payload(self.payload)
        return out


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()
