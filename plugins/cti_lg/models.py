"""The cti_lg plugin's own tables: Centrex lines, extension → user mapping, calls and popup events.

A call is unique by its Centrex identity (the line and ``getinboundcall``'s
``NO``), so the reconciliation poller can run any number of times, in any
number of processes, and never records a call twice.  A ring that came by
callback has no ``NO`` yet; reconciliation finds it by caller and time and
fills the ``NO`` in (:mod:`plugins.cti_lg.reconcile`).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, json_type, utcnow

INBOUND, OUTBOUND = "in", "out"
#: how a call came to be known: the ring callback, the reconciliation poller, or a click-to-call request
SOURCE_CALLBACK, SOURCE_RECONCILE, SOURCE_CLICKDIAL = "callback", "reconcile", "clickdial"
#: a click-to-call's state: asked Centrex to ring the agent, Centrex refused, confirmed by the call history
DIAL_REQUESTED, DIAL_FAILED, DIAL_CONFIRMED = "requested", "failed", "confirmed"


class Line(Base):
    """A Centrex account (NewZen's API사용자등록): the 070 number and its web password, sealed."""

    __tablename__ = "cti_lg_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    #: SHA-512 hex of the web password (what every Centrex call sends), sealed with the server's key
    password_hash: Mapped[dict | str] = mapped_column(json_type(), default="")
    base_url: Mapped[str] = mapped_column(sa.String(300), default="https://centrex.uplus.co.kr/RestApi")
    #: SHA-256 of the secret in the callback URL's path (the secret itself is shown once, when registering)
    callback_key_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    callback_url: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reconciled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Extension(Base):
    """Which user answers an extension (``inner_num``) of a line: the one whose browser gets the popup."""

    __tablename__ = "cti_lg_extensions"
    __table_args__ = (sa.UniqueConstraint("line_id", "inner_num"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("cti_lg_lines.id", ondelete="CASCADE"))
    inner_num: Mapped[str] = mapped_column(sa.String(10))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id", ondelete="CASCADE"), index=True)


class Call(Base):
    """One call on a line, inbound (rung or found by reconciliation) or outbound (click-to-call)."""

    __tablename__ = "cti_lg_calls"
    __table_args__ = (sa.UniqueConstraint("line_id", "centrex_no", name="uq_cti_lg_calls_centrex_no"),
                      sa.Index("ix_cti_lg_calls_line_caller_time", "line_id", "caller_norm", "started_at"),
                      sa.Index("ix_cti_lg_calls_user_time", "user_id", "started_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("cti_lg_lines.id", ondelete="CASCADE"))
    #: getinboundcall's ``NO`` (or the call history's key): the call's identity at Centrex
    centrex_no: Mapped[str | None] = mapped_column(sa.String(40))
    direction: Mapped[str] = mapped_column(sa.String(3), default=INBOUND)
    source: Mapped[str] = mapped_column(sa.String(10), default=SOURCE_CALLBACK)
    caller: Mapped[str] = mapped_column(sa.String(20))
    caller_norm: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    receiver: Mapped[str] = mapped_column(sa.String(20), default="")
    inner_num: Mapped[str] = mapped_column(sa.String(10), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(20), default="")
    error: Mapped[str] = mapped_column(sa.String(300), default="")


class Event(Base):
    """A popup for one user's browser (read by the SSE stream and the polling fallback, then aged out)."""

    __tablename__ = "cti_lg_events"
    __table_args__ = (sa.Index("ix_cti_lg_events_user_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("cti_lg_calls.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10), default="ring")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Number(Base):
    """A number linked by hand to a customer (NewZen's 고객번호 button): it matches on every later call."""

    __tablename__ = "cti_lg_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_norm: Mapped[str] = mapped_column(sa.String(40), unique=True)
    account_id: Mapped[int | None] = mapped_column(index=True)
    contact_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id", ondelete="SET NULL"))
