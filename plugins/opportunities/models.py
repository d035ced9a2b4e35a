"""Tables the opportunity record owns beyond its entity row: stage history and revenue schedule.

``opportunity_id`` carries no foreign key: these models are imported whenever
the plugin is installed, while the opportunities table exists only where the
plugin is enabled.  Rows go with their opportunity when it is purged (see
``purge_rows``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, Money, UTCDateTime


class StageChange(Base):
    """One move between stages (단계 진행 내역 / 阶段升迁记录); ``days`` spent in ``from_stage``."""

    __tablename__ = "opportunities_stage_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(index=True)
    from_stage: Mapped[str | None] = mapped_column(sa.String(64))
    to_stage: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    days: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(sa.Text)


class RevenueMonth(Base):
    """Expected revenue of one opportunity in one month (first day of the month).

    ``weighted`` is ``amount × probability / 100`` of the opportunity at its
    last save, kept here so the forecast is one GROUP BY without arithmetic.
    """

    __tablename__ = "opportunities_revenue_schedule"
    __table_args__ = (sa.UniqueConstraint("opportunity_id", "month"),
                      # covering, for both join orders: the forecast reads months and amounts from an index alone
                      sa.Index("ix_opportunities_revenue_schedule_month_opp", "month", "opportunity_id", "amount",
                               "weighted"),
                      sa.Index("ix_opportunities_revenue_schedule_opp_month", "opportunity_id", "month", "amount",
                               "weighted"))

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int]
    month: Mapped[dt.date] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    weighted: Mapped[Decimal] = mapped_column(Money)
