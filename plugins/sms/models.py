"""The sms plugin's tables: registered senders, users' SMS profiles, consent, opt-outs, sends and the send log.

The send log (``sms_log``, one row per recipient) is append-only: no route
deletes it, and on PostgreSQL a trigger refuses ``DELETE`` on its rows, so a
stray statement cannot remove them either (SQLite has no such guard: the test
fixtures empty every table with ``DELETE`` there).  Contacts and accounts are referred to by id without a foreign key,
so purging a contact from the recycle bin keeps its SMS history.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

QUEUED, SENDING, SENT, DELIVERED, FAILED, UNKNOWN = "queued", "sending", "sent", "delivered", "failed", "unknown"
LOG_STATUSES = (QUEUED, SENDING, SENT, DELIVERED, FAILED, UNKNOWN)


class Sender(Base):
    """A sender number registered with the carriers (발신번호 사전등록제); only these may send."""

    __tablename__ = "sms_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))


class Profile(Base):
    """A user's own mobile number (test sends, reminders) and message signature."""

    __tablename__ = "sms_profiles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id", ondelete="CASCADE"), primary_key=True)
    mobile: Mapped[str | None] = mapped_column(sa.String(20))
    signature: Mapped[str] = mapped_column(sa.String(200), default="")


class Consent(Base):
    """A contact's consent to advertising (and to advertising at night), with when and where it was given."""

    __tablename__ = "sms_consents"

    contact_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    ads: Mapped[bool] = mapped_column(default=False)
    night: Mapped[bool] = mapped_column(default=False)
    given_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(100), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))


class OptOut(Base):
    """A number that refused messages (080 reply, imported list, the public link): never sent to again."""

    __tablename__ = "sms_optouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(sa.String(20), unique=True)
    source: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))


class Message(Base):
    """One send as the user composed it: the template, the sender, the advertising flag and the counts."""

    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id"), index=True)
    origin: Mapped[str] = mapped_column(sa.String(20), default="composer")
    sender: Mapped[str] = mapped_column(sa.String(20))
    subject: Mapped[str] = mapped_column(sa.String(100), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    rule: Mapped[str] = mapped_column(sa.String(8), default="kr")
    advertising: Mapped[bool] = mapped_column(default=False)
    #: an advertisement every recipient of which consented to night-time ads may go on after 21:00
    night_ok: Mapped[bool] = mapped_column(default=True)
    provider: Mapped[str] = mapped_column(sa.String(40))
    send_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(default=0)
    removed_optout: Mapped[int] = mapped_column(default=0)
    removed_duplicate: Mapped[int] = mapped_column(default=0)
    removed_no_consent: Mapped[int] = mapped_column(default=0)
    removed_invalid: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LogEntry(Base):
    """One recipient of one send: what went out, to whom, and what the provider said (never deleted)."""

    __tablename__ = "sms_log"
    __table_args__ = (sa.Index("ix_sms_log_message_status", "message_id", "status"),
                      sa.Index("ix_sms_log_owner", "owner_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("sms_messages.id"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id"))
    phone: Mapped[str] = mapped_column(sa.String(20))
    contact_id: Mapped[int | None] = mapped_column(index=True)
    account_id: Mapped[int | None] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    text: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(3))
    segments: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    provider_id: Mapped[str | None] = mapped_column(sa.String(100))
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


# The log is append-only below the application as well: on PostgreSQL a DELETE fails in the database.
NO_DELETE_PG_FUNCTION = sa.DDL(
    "CREATE OR REPLACE FUNCTION sms_log_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the SMS send log cannot be deleted'; END $$")
NO_DELETE_PG_TRIGGER = sa.DDL(
    "CREATE TRIGGER sms_log_no_delete BEFORE DELETE ON sms_log FOR EACH ROW EXECUTE FUNCTION sms_log_no_delete()")
sa.event.listen(LogEntry.__table__, "after_create", NO_DELETE_PG_FUNCTION.execute_if(dialect="postgresql"))
sa.event.listen(LogEntry.__table__, "after_create", NO_DELETE_PG_TRIGGER.execute_if(dialect="postgresql"))
