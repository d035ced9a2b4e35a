"""Exports too large for one request: written by the ``core.export`` job, downloaded when done."""
from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from core.db import reading_only, session, utcnow
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
    """The ``core.export`` job: write the file as the user who asked, in their language.

    The ``running`` mark commits first; the file is written in a read-only transaction (on SQLite no
    write lock is held for the minutes a large export takes); the outcome is a short write of its own.
    """
    row = session().get(ExportFile, payload["export_id"])
    if row is None or row.status not in (QUEUED, RUNNING):
        return
    row.status = RUNNING
    session().commit()
    path = export_dir() / f"export-{row.id}.{row.format}"
    try:
        count = write_file(row, path)
    except Exception as exc:
        path.unlink(missing_ok=True)
        row.status, row.message, row.finished_at = FAILED, str(exc)[:1000], utcnow()
        session().commit()
        raise
    row.rows, row.file_path, row.status, row.finished_at = count, str(path), DONE, utcnow()


def write_file(row: ExportFile, path: Path) -> int:
    """The export of ``row`` written to ``path``, read as its user sees the records; returns the row count."""
    with reading_only(), force_locale(row.params.get("language") or "ko"):
        user = session().get(User, row.user_id)
        entity = runtime().registry.get(row.entity)
        request = export.parse_request(entity, MultiDict(row.params["args"]), user, row.format)
        with open(path, "wb") as fh:
            return export.write(entity, user, request, fh)


register(JOB_TYPE, handle_job)


def export_json(row: ExportFile) -> dict:
    def iso(value):
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    return {"id": row.id, "entity": row.entity, "status": row.status, "format": row.format, "rows": row.rows,
            "message": row.message, "job_id": row.job_id, "created_at": iso(row.created_at),
            "finished_at": iso(row.finished_at),
            "download": f"/api/v1/exports/{row.id}/file" if row.status == DONE else None}
