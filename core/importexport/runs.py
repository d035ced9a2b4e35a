"""Starting and running imports: the entry points the API, the CLI and the job worker share.

:func:`start` checks rights and the file (structure, header, mapping) up
front, stores the upload under ``<instance>/imports/`` and records a
:class:`~core.importexport.models.ImportBatch`; :func:`run` then imports it,
inline or as the ``core.import`` job, which owns the batch either way
(:mod:`core.importexport.ownership`: a crashed import is resumed after its
last committed chunk).  :func:`preview` and dry runs validate without writing.
"""
from __future__ import annotations

import itertools
import shutil
import time
import uuid
import weakref
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import checkpoint_wal, session
from core.errors import CRMError
from core.filenames import sanitise_filename
from core.importexport import mapping as mappings, ownership
from core.importexport.formats import hook_readers
from core.importexport.models import DONE, FAILED, QUEUED, RUNNING, ImportBatch
from core.importexport.ownership import ImportLease, LeaseLost
from core.importexport.readers import DEFAULT_MAX_ROWS, FileRejected, Sheet, open_sheet
from core.importexport.service import Importer, Options, Summary, check_options, default_match, mark_finished
from core.importexport.undo import take_back
from core.instance_files import private_dir
from core.jobs import register
from core.runtime import runtime
from core.security.fields import hidden_fields
from core.security.models import User
from core.security.permissions import require_right

JOB_TYPE = ownership.JOB_TYPE
INLINE_MAX_BYTES = 256 * 1024  # smaller uploads are imported within the request
ORPHAN_AGE_SECONDS = 3600

# The file :func:`start` opened, handed to :func:`run` when the same process runs
# the batch next (the CLI, a small upload), so a workbook is read once: openpyxl
# parses a whole sheet just to open one that does not state its size.  The job
# worker opens the file again.
opened_sheets: "weakref.WeakKeyDictionary[ImportBatch, Sheet]" = weakref.WeakKeyDictionary()


def upload_dir() -> Path:
    return private_dir(Path(runtime().settings.instance_path) / "imports")


def store_upload(source, file_name: str) -> Path:
    """Copy an upload (a path or a binary stream) into the instance folder."""
    suffix = Path(file_name).suffix.lower()[:10]
    target = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    if isinstance(source, (str, Path)):
        shutil.copyfile(source, target)
    else:
        with open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
    return target


def max_rows() -> int:
    return int(runtime().settings.extra.get("import_max_rows", DEFAULT_MAX_ROWS))


def chunk_rows() -> int | None:
    """``import_chunk_rows`` in ``config.toml``: rows per transaction (default ``service.CHUNK``)."""
    value = runtime().settings.extra.get("import_chunk_rows")
    return int(value) if value else None


def open_file(path: Path, file_name: str, options: dict) -> Sheet:
    return open_sheet(path, file_name, encoding=options.get("encoding") or None,
                      delimiter=options.get("delimiter") or None, max_rows=max_rows(),
                      extra_readers=hook_readers())


def resolve_options(entity, sheet: Sheet, raw: dict, user) -> Options:
    """Mapping (given, saved by name, or automatic) and duplicate options, checked against the file.

    Fields hidden from ``user`` are neither mapped nor matched on (matching on
    ``cost`` would tell, row by row, which costs exist): a given mapping or
    match naming one is refused as an unknown field, automatic and saved
    mappings leave them out.
    """
    hidden = hidden_fields(entity, user)
    if raw.get("mapping"):
        mapping = mappings.check_mapping(entity, raw["mapping"], sheet.headers, hidden)
    elif raw.get("mapping_name"):
        saved = mappings.saved_mapping(entity, raw["mapping_name"]).mapping
        mapping = {h: f for h, f in saved.items() if h in sheet.headers and f not in hidden}
    else:
        mapping = {h: f for h, f in mappings.auto_map(entity, sheet.headers).items() if f not in hidden}
    if not mapping:
        raise FileRejected(_("No column header names a field of %(entity)s. The first row must hold the column "
                             "names (for example %(example)s).", entity=str(entity.label),
                             example=", ".join(f.display_label() for f in mappings.importable_fields(entity)[:3])))
    on_duplicate = raw.get("on_duplicate") or "skip"
    match = raw.get("match")
    if isinstance(match, str):
        match = [m.strip() for m in match.split(",") if m.strip()]
    match = list(match) if match else default_match(entity, mapping)
    check_options(entity, on_duplicate, match, hidden)
    return Options(mapping=mapping, on_duplicate=on_duplicate, match=match, silent=bool(raw.get("silent")),
                   dry_run=bool(raw.get("dry_run")))


def check_rights(user, entity) -> None:
    require_right(user, entity, "import")
    require_right(user, entity, "create")


def start(entity, user, source, file_name: str, raw_options: dict) -> ImportBatch:
    """Check and store the file and record the import (queued); the caller gives it an owner and commits.

    The owner is :func:`enqueue` (a worker runs it) or :func:`claim_inline` (this process runs it now).
    """
    check_rights(user, entity)
    sweep_uploads()
    path = store_upload(source, file_name)
    sheet = None
    try:
        sheet = open_file(path, file_name, raw_options)
        options = resolve_options(entity, sheet, raw_options, user)
    except CRMError:
        close(sheet)
        path.unlink(missing_ok=True)
        raise
    batch = ImportBatch(entity=entity.name, user_id=user.id, status=QUEUED, file_name=sanitise_filename(file_name)[:255],
                        file_path=str(path), total=sheet.total,
                        options={"mapping": options.mapping, "on_duplicate": options.on_duplicate,
                                 "match": options.match, "silent": options.silent,
                                 "encoding": sheet.encoding, "delimiter": raw_options.get("delimiter"),
                                 "headers": sheet.headers})
    session().add(batch)
    session().flush()
    opened_sheets[batch] = sheet
    return batch


def enqueue(batch: ImportBatch) -> None:
    """Leave the batch to a worker (the ``core.import`` job)."""
    close(opened_sheets.pop(batch, None))
    ownership.enqueue_job(batch)


claim_inline = ownership.claim_inline


def run(batch: ImportBatch, user, lease: ImportLease, progress=None) -> Summary:
    """Import a started batch chunk by chunk under ``lease``, or resume it after its last committed chunk.

    A file that fails half-way (unreadable, internal error) is taken back
    completely and the batch ends ``failed``.  A runner that loses its lease
    (:class:`~core.importexport.ownership.LeaseLost`) stops without writing:
    the new holder continues.
    """
    entity = runtime().registry.get(batch.entity)
    resume_after = (batch.done or 0) if batch.status == RUNNING else 0
    lease.hold(session())
    batch.status = RUNNING
    session().commit()
    sheet = None
    try:
        sheet = opened_sheets.pop(batch, None) or open_file(Path(batch.file_path), batch.file_name, batch.options)
        opts = batch.options
        options = Options(mapping=opts["mapping"], on_duplicate=opts["on_duplicate"], match=opts["match"],
                          silent=opts.get("silent", False))
        importer = Importer(entity, user, sheet, options, batch=batch, progress=progress, lease=lease,
                            chunk_rows=chunk_rows())
        summary = importer.run(resume_after=resume_after)
        lease.hold(session())
    except LeaseLost:
        session().rollback()
        raise
    except CRMError as exc:
        fail(batch, user, lease, exc.message)
        raise
    except Exception:
        fail(batch, user, lease, _("The import stopped because of an internal error; nothing was imported."))
        raise
    finally:
        close(sheet)
    batch.total = summary.total
    mark_finished(batch, DONE)
    lease.release(session())
    session().commit()
    checkpoint_wal(runtime().engine)
    remove_upload(batch)
    return summary


def fail(batch: ImportBatch, user, lease: ImportLease, message: str) -> None:
    """Take back what a failed run wrote and record why (unless another runner holds the batch now)."""
    session().rollback()
    try:
        lease.hold(session())
    except LeaseLost:
        session().rollback()
        return
    take_back(batch, user)
    mark_finished(batch, FAILED, message)
    lease.release(session())
    session().commit()
    remove_upload(batch)


def remove_upload(batch: ImportBatch) -> None:
    """A finished import's file is not needed any more (its rejected rows are kept in ``core_import_rows``)."""
    if batch.file_path:
        Path(batch.file_path).unlink(missing_ok=True)


def sweep_uploads() -> int:
    """Delete stored uploads no unfinished import needs: left by a request killed before its batch was
    recorded, or by a finished import whose process died before removing its file.  Only files older
    than :data:`ORPHAN_AGE_SECONDS` (one being uploaded now has no batch yet).  Returns how many."""
    needed = set(session().scalars(sa.select(ImportBatch.file_path)
                                   .where(ImportBatch.status.in_((QUEUED, RUNNING)))))
    cutoff = time.time() - ORPHAN_AGE_SECONDS
    removed = 0
    for path in upload_dir().iterdir():
        if path.is_file() and str(path) not in needed and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def dry_run(entity, user, source, file_name: str, raw_options: dict, limit: int | None = None) -> tuple[Sheet, Options, Summary]:
    """Validate a file without writing anything: what would be created, updated, skipped, rejected."""
    check_rights(user, entity)
    path = store_upload(source, file_name)
    try:
        sheet = open_file(path, file_name, raw_options)
        options = resolve_options(entity, sheet, raw_options, user)
        options.dry_run = True
        if limit is not None:
            first = list(itertools.islice(sheet.rows, limit))
            close(sheet)
            sheet.rows = iter(first)
            sheet.preview = first
        summary = Importer(entity, user, sheet, options).run(limit=limit)
        close(sheet)
        return sheet, options, summary
    finally:
        session().rollback()
        path.unlink(missing_ok=True)


def close(sheet: Sheet | None) -> None:
    if sheet is not None:
        sheet.close()


def handle_job(payload: dict, ctx) -> None:
    """The ``core.import`` job: run the batch as the user who started it, or resume it after a crash."""
    batch = session().get(ImportBatch, payload["import_id"])
    if batch is None or batch.status not in (QUEUED, RUNNING):
        return
    user = session().get(User, batch.user_id)
    try:
        run(batch, user, ImportLease.of_job(ctx.job_id), progress=ctx.progress)
    except CRMError:
        return  # recorded on the batch as failed, with the reason; retrying cannot help
    except LeaseLost:
        return  # another worker holds the job now; the runner finds out and leaves it alone


register(JOB_TYPE, handle_job)
