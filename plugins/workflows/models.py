"""Workflow tables: definitions, the "fired once" claims, the run log, the cache generation."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, json_type, utcnow

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Workflow(Base):
    """One workflow: an entity, a trigger, condition groups and an ordered task list (JSON, validated).

    ``key`` names workflows installed by code (a plugin's default workflow, the
    deal_alerts workflow) so they can be found and updated again; ``plugin`` is
    the plugin that owns such a workflow.  ``requires`` lists every plugin the
    workflow needs (its owner, its entity's plugin, the plugins of its task
    types and functions): while one of them is disabled the workflow is paused.
    ``next_run_at`` is the next due time of a scheduled workflow.
    """

    __tablename__ = "workflows_workflows"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    plugin: Mapped[str] = mapped_column(sa.String(64), default="")
    requires: Mapped[list] = mapped_column(json_type(), default=list, server_default=sa.text("'[]'"))
    entity: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    trigger: Mapped[dict] = mapped_column(json_type(), default=dict)
    conditions: Mapped[dict] = mapped_column(json_type(), default=dict)
    tasks: Mapped[list] = mapped_column(json_type(), default=list)
    position: Mapped[int] = mapped_column(default=0)
    log_all: Mapped[bool] = mapped_column(default=False)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FiredOnce(Base):
    """A "once per record" workflow has fired for this record; the unique key makes it exactly once."""

    __tablename__ = "workflows_fired_once"
    __table_args__ = (sa.UniqueConstraint("workflow_id", "record_id"),)

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    workflow_id: Mapped[int] = mapped_column(sa.ForeignKey("workflows_workflows.id", ondelete="CASCADE"))
    record_id: Mapped[int]
    fired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Run(Base):
    """One evaluation of a workflow for a record: conditions with their values, and task outcomes.

    ``tasks`` holds ``{index, type, title, status, detail, job_id}`` per task;
    the job's own status (sent, retrying, dead) is read from ``core_jobs``
    when the log is shown.
    """

    __tablename__ = "workflows_runs"
    __table_args__ = (sa.Index("ix_workflows_runs_record", "entity", "record_id", "id"),
                      sa.Index("ix_workflows_runs_workflow", "workflow_id", "id"))

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    workflow_id: Mapped[int] = mapped_column(sa.ForeignKey("workflows_workflows.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[int | None]
    event: Mapped[str] = mapped_column(sa.String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    matched: Mapped[bool]
    conditions: Mapped[dict] = mapped_column(json_type(), default=dict)
    tasks: Mapped[list] = mapped_column(json_type(), default=list)
    note: Mapped[str | None] = mapped_column(sa.Text)

