"""The administrator's deal-alert settings (one row); the alert itself is a workflow built from them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, Money, UTCDateTime, json_type, utcnow


class DealAlertConfig(Base):
    __tablename__ = "deal_alerts_config"

    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool] = mapped_column(default=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    field: Mapped[str] = mapped_column(sa.String(64))
    threshold: Mapped[Decimal] = mapped_column(Money)
    recipients: Mapped[dict] = mapped_column(json_type(), default=dict)
    subject: Mapped[str] = mapped_column(sa.String(500))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
