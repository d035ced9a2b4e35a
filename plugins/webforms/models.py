"""Web forms, their fields, what they created, and their counters (submissions and every refusal)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, json_type, utcnow

KINDS = ("text", "select", "textarea", "radio", "checkbox")
# what the statistics page counts: accepted submissions and each reason a submission was refused
COUNTERS = ("submitted", "invalid", "honeypot", "too_fast", "bad_token", "rate_limited", "too_large",
            "bad_origin", "closed")
SPAM = ("honeypot", "too_fast", "bad_token")


class WebForm(Base):
    __tablename__ = "webforms_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    public_key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    secret: Mapped[str] = mapped_column(sa.String(64))
    target_entity: Mapped[str] = mapped_column(sa.String(64), default="leads")
    handler_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id"))
    source: Mapped[str | None] = mapped_column(sa.String(64))
    thank_you: Mapped[str | None] = mapped_column(sa.Text)
    redirect_url: Mapped[str | None] = mapped_column(sa.String(500))
    allowed_origins: Mapped[list] = mapped_column(json_type(), default=list)
    active: Mapped[bool] = mapped_column(default=True)
    min_fill_seconds: Mapped[int] = mapped_column(default=3)
    rate_per_ip: Mapped[int] = mapped_column(default=5)  # accepted attempts per IP address and minute
    rate_per_form: Mapped[int] = mapped_column(default=60)  # per form and minute, all addresses together
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebFormField(Base):
    __tablename__ = "webforms_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("webforms_forms.id", ondelete="CASCADE"), index=True)
    field_name: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(20))
    labels: Mapped[dict] = mapped_column(json_type(), default=dict)
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    options: Mapped[list] = mapped_column(json_type(), default=list)  # [{value, labels}] for text targets


class WebFormCounter(Base):
    __tablename__ = "webforms_counters"

    form_id: Mapped[int] = mapped_column(sa.ForeignKey("webforms_forms.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    count: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class WebFormSubmission(Base):
    """A record a form created (the link that counts conversions)."""

    __tablename__ = "webforms_submissions"
    __table_args__ = (sa.Index("ix_webforms_submissions_record", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("webforms_forms.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
