"""Administrator-editable settings kept in the database (``core_settings``).

A row overrides the value of the same name in ``config.toml``, so an
administrator can change, for example, the SMTP server without shell access.
Values are JSON.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, UTCDateTime, json_type, session


class SettingRow(Base):
    __tablename__ = "core_settings"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(json_type())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id", ondelete="SET NULL"))


def get(key: str, default=None):
    row = session().get(SettingRow, key)
    return default if row is None else row.value


def put(key: str, value, user=None) -> None:
    """Store ``value`` under ``key`` in the caller's transaction."""
    row = session().get(SettingRow, key) or SettingRow(key=key)
    row.value = value
    row.updated_at = clock.now()
    row.updated_by_id = getattr(user, "id", None)
    session().add(row)
