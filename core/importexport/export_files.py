"""Exports too large for one request: written by the ``core.export`` job, downloaded when done."""
from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from core.db import session, utcnow
from core.i18n import current_language
from core.importexport import export
from core.importexport.models import DONE, FAILED, QUEUED, RUNNING, ExportFile
from core.instance_files import private_dir
from core.jobs import enqueue, register
from core.runtime import runtime
from core.security.models import User

JOB_TYPE = "core.export"


def export_dir() -> Path:
    return private_dir(Path(runtime().settings.instance_path) / "exports")


def start(entity, user, args: MultiDict, fmt: str) -> ExportFile:
    """Record an export of ``args`` (already checked) and enqueue its job; the caller commits."""
    row = ExportFile(entity=entity.name, user_id=user.id, status=QUEUED, format=fmt,
                     params={"args": list(args.items(multi=True)), "language": current_language()})
    session().add(row)
    session().flush()
    row.job_id = enqueue(JOB_TYPE, {"export_id": row.id}, max_attempts=2)
    return row


def handle_job(payload: dict, ctx) -> None:
    """The ``core.export`` job: write the file as the user who asked, in their language."""
    row = session().get(ExportFile, payload["export_id"])
    if row is None or row.status not in (QUEUED, RUNNING):
        return
    user = session().get(User, row.user_id)
    entity = runtime().registry.get(row.entity)
    row.status = RUNNING
    path = export_dir() / f"export-{row.id}.{row.format}"
    with force_locale(row.params.get("language") or "ko"):
        request = export.parse_request(entity, MultiDict(row.params["args"]), user, row.format)
        try:
            with open(path, "wb") as fh:
                row.rows = export.write(entity, user, request, fh)
        except Exception as exc:
            path.unlink(missing_ok=True)
            row.status, row.message, row.finished_at = FAILED, str(exc)[:1000], utcnow()
            session().commit()
            raise
    row.file_path, row.status, row.finished_at = str(path), DONE, utcnow()


register(JOB_TYPE, handle_job)


def export_json(row: ExportFile) -> dict:
    def iso(value):
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    return {"id": row.id, "entity": row.entity, "status": row.status, "format": row.format, "rows": row.rows,
            "message": row.message, "job_id": row.job_id, "created_at": iso(row.created_at),
            "finished_at": iso(row.finished_at),
            "download": f"/api/v1/exports/{row.id}/file" if row.status == DONE else None}
