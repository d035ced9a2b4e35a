"""What the UI remembers per user: chosen list columns and page size, saved list filters."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, json_type, utcnow


class ListPreference(Base):
    """A user's columns and page size for one entity's list view."""

    __tablename__ = "core_list_preferences"
    __table_args__ = (sa.UniqueConstraint("user_id", "entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    columns: Mapped[list] = mapped_column(json_type(), default=list)
    per_page: Mapped[int] = mapped_column(default=20)


class SavedFilter(Base):
    """A named list query (the list view's query string); ``shared`` makes it visible to everyone."""

    __tablename__ = "core_saved_filters"
    __table_args__ = (sa.Index("ix_core_saved_filters_entity", "entity", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(100))
    query: Mapped[str] = mapped_column(sa.Text, default="")
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
