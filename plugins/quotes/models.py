"""The quote's email log (견적서 발송 내역): who sent it to whom, and whether it went out.

``quote_id`` carries no foreign key: the model is imported whenever the
plugin is installed, while the quotes table exists only where it is enabled.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class QuoteEmail(Base):
    __tablename__ = "quotes_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(index=True)
    to: Mapped[str] = mapped_column(sa.String(1000))
    subject: Mapped[str] = mapped_column(sa.String(300))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    job_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="queued")  # queued | sent
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
