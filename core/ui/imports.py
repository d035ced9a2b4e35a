"""The import wizard: upload → mapping with a validated preview → run with progress → result and undo; history.

The pages drive the same services as ``/api/v1/imports`` (``runs.dry_run``,
:func:`core.api.importexport.start_import_batch`, ``runs.run``, ``undo.undo``):
small files are imported within the request, large ones by the ``core.import``
job whose progress the result page polls through ``GET /api/v1/imports/<id>``.
The upload is kept between the steps by :mod:`core.ui.staged_uploads`.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core.api.importexport import batch_or_404, import_history, preview_rows, rejected_rows, start_import_batch
from core.db import session
from core.errors import CRMError, ValidationError
from core.importexport import mapping as mappings, runs, undo
from core.importexport.formats import import_formats
from core.importexport.models import DONE, FAILED, QUEUED, RUNNING, UNDONE, ImportBatch
from core.importexport.ownership import LeaseLost
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields
from core.security.permissions import can, require_right
from core.security.users import names_of
from core.ui import staged_uploads
from core.ui.blueprint import ui

PREVIEW_ROWS = 10
SHOWN_REJECTED = 20
ENCODINGS = (("", _l("Automatic")), ("utf-8", "UTF-8"), ("cp949", "CP949 (EUC-KR)"), ("gb18030", "GB18030"))
DUPLICATE_MODES = (("skip", _l("Skip the row")), ("update", _l("Update the record (overwrite)")),
                   ("merge", _l("Merge (fill only empty fields)")))
STATUS_LABELS = {QUEUED: _l("Queued"), RUNNING: _l("Running"), DONE: _l("Done"), FAILED: _l("Failed"),
                 UNDONE: _l("Undone")}


def import_target(entity_name: str):
    """The entity and the user, who needs the import (and create) right: else 403."""
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    runs.check_rights(user, entity)
    return entity, user


def own_batch(import_id: int) -> ImportBatch:
    """The user's import (any for administrators; else 404), of an entity they may import into (else 403)."""
    batch = batch_or_404(import_id)
    require_right(current_user_or_none(), runtime().registry.get(batch.entity), "import")
    return batch


def render_upload(entity, error: CRMError | None = None):
    return render_template("ui/import_upload.html", entity=entity, error=error, encodings=ENCODINGS,
                           accept=",".join(import_formats()), saved=mappings.saved_mappings(entity),
                           chosen=request.form), error.status if error else 200


@ui.get("/records/<entity_name>/import")
def import_upload(entity_name):
    entity, _user = import_target(entity_name)
    return render_upload(entity)


@ui.post("/records/<entity_name>/import")
def import_upload_file(entity_name):
    """Keep the file if it can be read at all, then show the mapping; a bad file is refused here."""
    entity, user = import_target(entity_name)
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        return render_upload(entity, ValidationError(_("Choose a file to import."),
                                                     {"file": _("This field is required.")}))
    upload = staged_uploads.stage(storage, user, entity)
    try:
        opened_sheet(upload, request.form.get("encoding"))
    except CRMError as exc:
        upload.path.unlink(missing_ok=True)
        return render_upload(entity, exc)
    return redirect(url_for("ui.import_mapping", entity_name=entity.name, upload=upload.token,
                            encoding=request.form.get("encoding") or None,
                            mapping_name=request.form.get("mapping_name") or None))


def opened_sheet(upload, encoding: str | None):
    """The file's headers, format, encoding and estimated row count (its rows are not read)."""
    sheet = runs.open_file(upload.path, upload.file_name, {"encoding": encoding or None})
    runs.close(sheet)
    return sheet


def wizard_options(values, headers: list[str]) -> dict:
    """The mapping form's choices as the options ``runs`` takes (``column-<i>`` selects map ``headers[i]``)."""
    options = {"encoding": values.get("encoding") or None, "on_duplicate": values.get("on_duplicate") or "skip",
               "match": ",".join(values.getlist("match")), "silent": values.get("silent") == "1"}
    if values.get("mapped"):
        chosen = ((h, values.get(f"column-{i}")) for i, h in enumerate(headers))
        options["mapping"] = {h: field for h, field in chosen if h and field}
        if not options["mapping"]:
            raise ValidationError(_("Choose a field for at least one column."))
    elif values.get("mapping_name"):
        options["mapping_name"] = values["mapping_name"]
    return options


def render_mapping(entity, user, upload, values, error: CRMError | None = None):
    """The mapping form over a dry run of the first rows (or over the error that stopped it)."""
    sheet = opened_sheet(upload, values.get("encoding"))
    options: dict = {"on_duplicate": values.get("on_duplicate") or "skip", "match": values.getlist("match"),
                     "silent": values.get("silent") == "1", "mapping": {}}
    rows, summary = [], None
    try:
        raw = wizard_options(values, sheet.headers)
        options["mapping"] = raw.get("mapping") or {}
        if error is None:
            preview, checked, summary = runs.dry_run(entity, user, upload.path, upload.file_name, raw,
                                                     limit=PREVIEW_ROWS)
            rows = preview_rows(preview, summary)
            options.update(mapping=checked.mapping, match=checked.match, on_duplicate=checked.on_duplicate)
    except CRMError as exc:
        error = exc
    return render_template("ui/import_mapping.html", entity=entity, upload=upload, sheet=sheet, rows=rows,
                           summary=summary, options=options, error=error, encodings=ENCODINGS,
                           modes=DUPLICATE_MODES, fields=mappings.importable_fields(entity, hidden_fields(entity, user)),
                           encoding=values.get("encoding") or "", save_as=values.get("save_as") or ""), \
        error.status if error else 200


@ui.route("/records/<entity_name>/import/mapping", methods=["GET", "POST"])
def import_mapping(entity_name):
    """First visit: automatic (or saved) mapping; "Check again" posts the changed mapping back here."""
    entity, user = import_target(entity_name)
    upload = staged_uploads.staged(request.values.get("upload"), user, entity)
    return render_mapping(entity, user, upload, request.values)


@ui.post("/records/<entity_name>/import/run")
def import_run(entity_name):
    """Start the import (saving the mapping first when asked); a refused start goes back to the mapping."""
    entity, user = import_target(entity_name)
    upload = staged_uploads.staged(request.form.get("upload"), user, entity)
    try:
        options = wizard_options(request.form, opened_sheet(upload, request.form.get("encoding")).headers)
        if (request.form.get("save_as") or "").strip():
            mappings.save_mapping(entity, request.form["save_as"], options["mapping"], user)
        batch, lease = start_import_batch(entity, user, upload.path, upload.file_name, options)
    except CRMError as exc:
        session().rollback()
        return render_mapping(entity, user, upload, request.form, exc)
    upload.path.unlink(missing_ok=True)
    if lease is not None:
        try:
            runs.run(batch, user, lease)
        except (CRMError, LeaseLost):
            pass  # recorded on the batch (failed, with the reason), or a worker finishes it: the result page shows
    return redirect(url_for("ui.import_result", import_id=batch.id))


def progress_of(batch: ImportBatch) -> tuple[int, int | None]:
    """Rows done and the total (None while unknown); a finished import shows complete."""
    if batch.status in (QUEUED, RUNNING):
        return batch.done or 0, batch.total
    total = batch.total if batch.total is not None else batch.done or 0
    return total, total


@ui.get("/imports/<int:import_id>")
def import_result(import_id):
    batch = own_batch(import_id)
    entity = runtime().registry.get(batch.entity)
    user = current_user_or_none()
    may_undo = (batch.status in (DONE, FAILED) and batch.undone_at is None and (batch.created or batch.updated)
                and can(user, entity, "delete") and (batch.user_id == user.id or user.is_admin))
    return render_template("ui/import_result.html", batch=batch, entity=entity, status_labels=STATUS_LABELS,
                           running=batch.status in (QUEUED, RUNNING), progress=progress_of(batch),
                           may_undo=may_undo, rejected=rejected_rows(batch, SHOWN_REJECTED))


@ui.post("/imports/<int:import_id>/undo")
def import_undo(import_id):
    batch = own_batch(import_id)
    try:
        result = undo.undo(batch, current_user_or_none())
    except CRMError as exc:
        session().rollback()
        flash(exc.message, "error")
        return redirect(url_for("ui.import_result", import_id=import_id))
    session().commit()
    flash(_("Import undone: %(removed)s records removed, %(restored)s restored, %(kept)s kept because they "
            "were changed after the import.", **result), "success")
    return redirect(url_for("ui.import_result", import_id=import_id))


@ui.get("/records/<entity_name>/imports")
def import_history_page(entity_name):
    """The user's imports into this entity (everyone's for administrators), newest first."""
    entity, user = import_target(entity_name)
    batches = import_history(user, entity.name)
    names = names_of(b.user_id for b in batches)
    return render_template("ui/import_history.html", entity=entity, batches=batches, names=names,
                           status_labels=STATUS_LABELS)
