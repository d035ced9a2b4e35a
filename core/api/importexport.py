"""Import and export endpoints: ``/api/v1/imports/...`` and ``/api/v1/exports/...``.

Upload → preview (headers, automatic mapping, first rows with their
validation result) → run (inline for small files, else the ``core.import``
job; poll ``GET /imports/<id>`` for rows done / total) → rejected rows as JSON
or as an xlsx to fix and re-import → undo.  Exports stream inline up to
:data:`EXPORT_INLINE_MAX` rows and otherwise run as the ``core.export`` job.
"""
from __future__ import annotations

import io
import json
import os
import tempfile

import sqlalchemy as sa
from flask import jsonify, request, send_file
from flask_babel import gettext as _
from openpyxl import Workbook

from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
from core.api.paging import int_param
from core.bounds import MAX_PAGE
from core.db import session
from core.errors import BadRequest, NotFound
from core.importexport import export, export_files, mapping as mappings, ownership, runs, undo
from core.importexport.formats import export_formats, import_formats
from core.importexport.models import DONE, REJECTED, ExportFile, ImportBatch, ImportRow
from core.importexport.ownership import ImportLease, LeaseLost
from core.importexport.service import batch_json, jsonable_cell
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields
from core.security.permissions import require_right

EXPORT_INLINE_MAX = 5000
TRUE = ("1", "true", "yes", "on")


def entity_or_404(name: str):
    return runtime().registry.get(name)


def upload():
    """The uploaded file (form field ``file``) or a 400 saying what to send."""
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise BadRequest(_("Upload the file as multipart/form-data in the field \"file\"."),
                         {"file": _("This field is required.")})
    return storage


def import_options() -> dict:
    """Options from the form or the query string; ``mapping`` is a JSON object."""
    source = {**request.args.to_dict(), **request.form.to_dict()}
    options = {k: source.get(k) for k in ("mapping_name", "on_duplicate", "match", "encoding", "delimiter")}
    if source.get("mapping"):
        try:
            options["mapping"] = json.loads(source["mapping"])
        except ValueError:
            raise BadRequest(_("The mapping must be a JSON object {column: field}."),
                             {"mapping": _("Not valid JSON.")}) from None
    options["silent"] = str(source.get("silent", "")).lower() in TRUE
    options["dry_run"] = str(source.get("dry_run", "")).lower() in TRUE
    options["async"] = str(source.get("async", "")).lower() in TRUE
    return options


def field_json(entity, f) -> dict:
    return {"name": f.name, "label": f.display_label(), "type": f.type, "required": f.required}


@api.get("/imports/formats")
@operation("Import and export formats", response=schemas.JSON_OBJECT)
def importexport_formats():
    return jsonify({"import": import_formats(), "export": export_formats()})


@api.post("/imports/<entity_name>/preview")
@operation(query=schemas.PreviewArgs, upload="file")
def preview_import(entity_name):
    """Headers, the mapping that would be used, importable fields and the first rows validated."""
    entity = entity_or_404(entity_name)
    storage = upload()
    limit = int_param(request.args, "rows", 10, 1, 100)
    sheet, options, summary = runs.dry_run(entity, current_user_or_none(), storage.stream, storage.filename,
                                           import_options(), limit=limit)
    return jsonify({"headers": sheet.headers, "mapping": options.mapping, "format": sheet.format,
                    "encoding": sheet.encoding, "total": sheet.total, "match": options.match,
                    "fields": [field_json(entity, f)
                               for f in mappings.importable_fields(entity, hidden_fields(entity, current_user_or_none()))],
                    "rows": preview_rows(sheet, summary), "summary": summary.as_json()})


def preview_rows(sheet, summary) -> list[dict]:
    """The previewed rows of a dry run: row number, cells (JSON-safe) and ``{column: reason}``."""
    errors = {e["row"]: e["errors"] for e in summary.errors}
    return [{"row": number, "cells": [jsonable_cell(c) for c in cells], "errors": errors.get(number, {})}
            for number, cells in sheet.preview or []]


def start_import_batch(entity, user, source, file_name: str, options: dict) -> tuple[ImportBatch, ImportLease | None]:
    """Start an import and commit; a large file (or ``options["async"]``) is queued as the ``core.import`` job.

    A small file comes back with the lease of its job, claimed by this request, which runs it
    (``runs.run``); if the request dies, a worker resumes it.  A queued one comes back without.
    """
    batch = runs.start(entity, user, source, file_name, options)
    lease = None
    if options.get("async") or os.path.getsize(batch.file_path) > runs.INLINE_MAX_BYTES:
        runs.enqueue(batch)
    else:
        lease = runs.claim_inline(batch)
    session().commit()
    return batch, lease


@api.post("/imports/<entity_name>")
@operation(upload="file", status=201)
def start_import(entity_name):
    """Import a file: small files at once (201), large ones as a job (202); ``dry_run=1`` only validates."""
    entity = entity_or_404(entity_name)
    user = current_user_or_none()
    storage = upload()
    options = import_options()
    if options["dry_run"]:
        _sheet, _options, summary = runs.dry_run(entity, user, storage.stream, storage.filename, options)
        return jsonify({"dry_run": True, "summary": summary.as_json()})
    batch, lease = start_import_batch(entity, user, storage.stream, storage.filename, options)
    if lease is not None:
        try:
            summary = runs.run(batch, user, lease)
        except LeaseLost:  # this request was too slow: a worker took the import over and finishes it
            lease = None
    if lease is None:
        response = jsonify(batch_json(batch))
        response.status_code = 202
        return response
    body = batch_json(batch)
    body["errors"] = summary.errors
    response = jsonify(body)
    response.status_code = 201
    return response


def batch_or_404(import_id: int) -> ImportBatch:
    """The user's import (any for administrators), settled if its job died (see ``ownership.settle``)."""
    user = current_user_or_none()
    batch = session().get(ImportBatch, import_id)
    if batch is None or (batch.user_id != user.id and not user.is_admin):
        raise NotFound(_("Import not found."))
    if ownership.settle(batch):
        session().commit()
    return batch


@api.get("/imports")
@operation("Your imports (every import for administrators), newest first", response=schemas.listing(schemas.ImportBatch))
def list_imports():
    """The user's imports (all imports for administrators), newest first; ``entity=`` filters."""
    batches = import_history(current_user_or_none(), request.args.get("entity") or None)
    return jsonify({"data": [batch_json(b) for b in batches]})


def import_history(user, entity_name: str | None = None, limit: int = 100) -> list[ImportBatch]:
    """The user's imports (every import for administrators), newest first, optionally of one entity."""
    stmt = sa.select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    if not user.is_admin:
        stmt = stmt.where(ImportBatch.user_id == user.id)
    if entity_name:
        stmt = stmt.where(ImportBatch.entity == entity_name)
    batches = list(session().scalars(stmt))
    if [b for b in batches if ownership.settle(b)]:
        session().commit()
    return batches


@api.get("/imports/<int:import_id>")
@operation("One import and its progress", response=schemas.ImportBatch)
def get_import(import_id):
    return jsonify(batch_json(batch_or_404(import_id)))


@api.get("/imports/<int:import_id>/errors")
@operation(query=schemas.PageArgs, response=schemas.paged(schemas.JSON_OBJECT))
def import_errors(import_id):
    """Rejected rows: row number and ``{column: reason}``, 100 per page."""
    batch = batch_or_404(import_id)
    page = int_param(request.args, "page", 1, 1, MAX_PAGE)
    return jsonify({"data": rejected_rows(batch, 100, (page - 1) * 100),
                    "meta": {"page": page, "per_page": 100, "total": batch.rejected}})


def rejected_rows(batch: ImportBatch, limit: int, offset: int = 0) -> list[dict]:
    """Rejected rows of ``batch`` in file order: ``{"row": number, "errors": {column: reason}}``."""
    rows = session().execute(sa.select(ImportRow.row_number, ImportRow.errors)
                             .where(ImportRow.batch_id == batch.id, ImportRow.action == REJECTED)
                             .order_by(ImportRow.row_number).limit(limit).offset(offset)).all()
    return [{"row": n, "errors": e} for n, e in rows]


@api.get("/imports/<int:import_id>/errors.xlsx")
@operation(binary=True)
def import_errors_workbook(import_id):
    """The rejected rows as they were, plus an error column: fix them and import this file again."""
    batch = batch_or_404(import_id)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Rejected rows"))
    headers = batch.options.get("headers") or []
    ws.append(headers + [_("Errors")])
    stmt = (sa.select(ImportRow.data, ImportRow.errors).where(ImportRow.batch_id == batch.id,
                                                              ImportRow.action == REJECTED)
            .order_by(ImportRow.row_number))
    for data, errors in session().execute(stmt.execution_options(yield_per=1000)):
        cells = list((data or {}).get("cells") or [])
        cells += [None] * (len(headers) - len(cells))
        reason = "; ".join(f"{column}: {text}" if column != "*" else text for column, text in (errors or {}).items())
        ws.append([export.neutralise(c) for c in cells[:len(headers)]] + [reason])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    name = f"rejected-{batch.id}.xlsx"
    return send_file(out, mimetype=export.MIME["xlsx"], as_attachment=True, download_name=name)


@api.post("/imports/<int:import_id>/undo")
@operation(response=schemas.JSON_OBJECT)
def undo_import(import_id):
    """Delete the records the import created and restore the fields it overwrote."""
    batch = batch_or_404(import_id)
    result = undo.undo(batch, current_user_or_none())
    session().commit()
    return jsonify({"import": batch_json(batch), **result})


# --- saved mappings ------------------------------------------------------------

@api.get("/imports/<entity_name>/mappings")
@operation("Saved column mappings", response=schemas.listing(schemas.Mapping))
def list_mappings(entity_name):
    entity = entity_or_404(entity_name)
    require_right(current_user_or_none(), entity, "import")
    return jsonify({"data": [mappings.mapping_json(m) for m in mappings.saved_mappings(entity)]})


@api.post("/imports/<entity_name>/mappings")
@operation(body=schemas.MappingInput, response=schemas.Mapping, status=201)
def save_mapping(entity_name):
    """Save (or replace) ``{"name": ..., "mapping": {column: field}}``."""
    entity = entity_or_404(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "import")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_("Send a JSON object with Content-Type: application/json."))
    row = mappings.save_mapping(entity, data.get("name"), data.get("mapping"), user)
    session().commit()
    response = jsonify(mappings.mapping_json(row))
    response.status_code = 201
    return response


@api.delete("/imports/<entity_name>/mappings/<name>")
@operation("Delete a saved mapping")
def delete_mapping(entity_name, name):
    entity = entity_or_404(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "import")
    mappings.delete_mapping(entity, name, user)
    session().commit()
    return "", 204


# --- export ---------------------------------------------------------------------

@api.route("/exports/<entity_name>", methods=["GET", "POST"])
@operation(query=schemas.ListArgs, binary=True)
def export_records(entity_name):
    """Export ``scope=selected&ids=..`` / ``scope=page`` / ``scope=all`` with list filters and sort.

    ``format=xlsx|csv|<plugin format>``, ``fields=`` the visible columns.
    Up to :data:`EXPORT_INLINE_MAX` rows the file is the response; beyond
    (or with ``async=1``) a job writes it and the response is 202 with the
    export to poll and download.
    """
    entity = entity_or_404(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "export")
    args = request.args.copy()
    args.update(request.form)
    fmt = (args.get("format") or "xlsx").lower()
    req = export.parse_request(entity, args, user, fmt)
    big = export.count_rows(entity, user, req, EXPORT_INLINE_MAX) >= EXPORT_INLINE_MAX
    if str(args.get("async", "")).lower() in TRUE or big:
        row = export_files.start(entity, user, args, fmt)
        session().commit()
        response = jsonify(export_files.export_json(row))
        response.status_code = 202
        return response
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    export.write(entity, user, req, spool)
    spool.seek(0)
    return send_file(spool, mimetype=export.MIME.get(fmt, "application/octet-stream"), as_attachment=True,
                     download_name=f"{entity.name}.{fmt}")


def export_or_404(export_id: int) -> ExportFile:
    user = current_user_or_none()
    row = session().get(ExportFile, export_id)
    if row is None or (row.user_id != user.id and not user.is_admin):
        raise NotFound(_("Export not found."))
    return row


@api.get("/exports/<int:export_id>")
@operation("One export and its progress", response=schemas.Export)
def get_export(export_id):
    return jsonify(export_files.export_json(export_or_404(export_id)))


@api.get("/exports/<int:export_id>/file")
@operation("Download a finished export", binary=True)
def download_export(export_id):
    row = export_or_404(export_id)
    if row.status != DONE or not row.file_path or not os.path.exists(row.file_path):
        raise NotFound(_("The export is not ready yet."))
    require_right(current_user_or_none(), entity_or_404(row.entity), "export")
    return send_file(row.file_path, mimetype=export.MIME.get(row.format, "application/octet-stream"),
                     as_attachment=True, download_name=f"{row.entity}-{row.id}.{row.format}")
