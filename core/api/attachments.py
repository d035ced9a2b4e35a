"""``/api/v1/<entity>/<id>/attachments``: files on any record, served only as downloads."""
from __future__ import annotations

from flask import jsonify, request, send_file
from flask_babel import gettext as _

from core import attachments
from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
from core.api.notes import context
from core.db import session
from core.errors import NotFound
from core.security.users import names_of


@api.get("/<entity_name>/<int:record_id>/attachments")
@operation("Files on the record", response=schemas.listing(schemas.Attachment))
def list_attachments(entity_name, record_id):
    entity, user = context(entity_name)
    rows = attachments.list_attachments(entity, record_id, user)
    names = names_of(a.uploaded_by_id for a in rows)
    return jsonify({"data": [attachments.attachment_json(a, names) for a in rows]})


@api.post("/<entity_name>/<int:record_id>/attachments")
@operation("Upload a file (multipart, field file)", upload="file", status=201)
def upload_attachment(entity_name, record_id):
    """Multipart upload, field ``file``."""
    entity, user = context(entity_name)
    att = attachments.add_attachment(entity, record_id, request.files.get("file"), user)
    session().commit()
    response = jsonify(attachments.attachment_json(att, names_of([att.uploaded_by_id])))
    response.status_code = 201
    return response


@api.get("/<entity_name>/<int:record_id>/attachments/<int:attachment_id>")
@operation("Download a file (always as an attachment)", binary=True)
def download_attachment(entity_name, record_id, attachment_id):
    entity, user = context(entity_name)
    att = attachments.get_attachment(entity, record_id, attachment_id, user)
    path = attachments.storage_path(att.storage_name)
    if not path.is_file():
        raise NotFound(_("The file is missing from the attachment storage; ask an administrator."))
    response = send_file(path, mimetype=att.content_type,
                         as_attachment=True, download_name=att.filename, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@api.delete("/<entity_name>/<int:record_id>/attachments/<int:attachment_id>")
@operation("Delete a file you uploaded")
def delete_attachment(entity_name, record_id, attachment_id):
    entity, user = context(entity_name)
    attachments.delete_attachment(entity, record_id, attachment_id, user)
    session().commit()
    return "", 204
