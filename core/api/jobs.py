"""Administrators' view of the job queue: ``/api/v1/jobs`` (list, detail, retry a dead job)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import gettext as _

from core.api import schemas
from core.api.blueprint import api
from core.api.admin import admin
from core.api.contract import operation
from core.api.paging import page_args, page_json, raise_if
from core.db import session
from core.errors import NotFound
from core.jobs import Job, STATUSES, retry


@api.get("/jobs")
@operation(query=schemas.JobArgs, response=schemas.paged(schemas.Job))
def list_jobs():
    """Filters: ``status`` (queued, running, done, failed, dead; comma-separated), ``type``; paging, newest first."""
    admin()
    errors: dict = {}
    page, per_page = page_args(request.args, errors)
    stmt = sa.select(Job)
    statuses = [s.strip() for s in request.args.get("status", "").split(",") if s.strip()]
    if any(s not in STATUSES for s in statuses):
        errors["status"] = _("Choose from: %(choices)s.", choices=", ".join(STATUSES))
    elif statuses:
        stmt = stmt.where(Job.status.in_(statuses))
    if request.args.get("type"):
        stmt = stmt.where(Job.type == request.args["type"])
    raise_if(errors)
    total = session().scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = session().scalars(stmt.order_by(Job.id.desc()).limit(per_page).offset((page - 1) * per_page))
    body = page_json([job.to_json() for job in rows], page, per_page, total)
    body["meta"]["counts"] = status_counts()
    return jsonify(body)


def status_counts() -> dict[str, int]:
    counts = dict(session().execute(sa.select(Job.status, sa.func.count()).group_by(Job.status)).all())
    return {status: counts.get(status, 0) for status in STATUSES}


def job_or_404(job_id: int) -> Job:
    job = session().get(Job, job_id)
    if job is None:
        raise NotFound(_("Job not found."))
    return job


@api.get("/jobs/<int:job_id>")
@operation("One job with its payload (secrets masked)", response=schemas.Job)
def get_job(job_id):
    admin()
    return jsonify(job_or_404(job_id).to_json(full=True))


@api.post("/jobs/<int:job_id>/retry")
@operation(response=schemas.Job)
def retry_job(job_id):
    """Queue a dead job again (409 for any other status)."""
    admin()
    job = retry(job_id)
    session().commit()
    return jsonify(job.to_json(full=True))
