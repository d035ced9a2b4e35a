"""The entity machinery's tables: picklists and their values, custom fields, numbering formats and counters."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, json_type, utcnow


class PicklistRow(Base):
    __tablename__ = "core_picklists"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    plugin: Mapped[str] = mapped_column(sa.String(64), default="")


class PicklistValueRow(Base):
    __tablename__ = "core_picklist_values"
    __table_args__ = (sa.UniqueConstraint("picklist", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    picklist: Mapped[str] = mapped_column(sa.ForeignKey("core_picklists.name", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(sa.String(64))
    labels: Mapped[dict] = mapped_column(json_type(), default=dict)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    colour: Mapped[str | None] = mapped_column(sa.String(20))
    extra: Mapped[dict] = mapped_column(json_type(), default=dict)


class CustomFieldRow(Base):
    """A field an administrator added at run time; values live in the entity's ``custom`` JSON column."""

    __tablename__ = "core_custom_fields"
    __table_args__ = (sa.UniqueConstraint("entity", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(200))
    labels: Mapped[dict] = mapped_column(json_type(), default=dict)
    type: Mapped[str] = mapped_column(sa.String(20))
    required: Mapped[bool] = mapped_column(default=False)
    picklist: Mapped[str | None] = mapped_column(sa.String(100))
    target: Mapped[str | None] = mapped_column(sa.String(64))
    max_length: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    block: Mapped[str | None] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class NumberingFormat(Base):
    """An administrator's override of an entity's numbering format."""

    __tablename__ = "core_numbering_formats"

    entity: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    format: Mapped[str] = mapped_column(sa.String(100))


class NumberCounter(Base):
    """Last number issued per resolved prefix (``OPP-202611-``), advanced with one locked UPDATE."""

    __tablename__ = "core_number_counters"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
