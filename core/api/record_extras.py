"""What hangs off any record besides its fields: shared helpers and the tab counts."""
from __future__ import annotations

from flask import jsonify

from core import attachments, notes
from core.api import api
from core.entities import records
from core.runtime import runtime
from core.security.auth import current_user_or_none


def visible_entity(entity_name: str, record_id: int):
    """The entity and the current user, after checking the record is visible to them (else 404)."""
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    records.get(entity, record_id, user)
    return entity, user


@api.get("/<entity_name>/<int:record_id>/counts")
def record_counts(entity_name, record_id):
    """Numbers for the record page's tabs: notes and attachments."""
    entity, _user = visible_entity(entity_name, record_id)
    return jsonify({"notes": notes.count(entity.name, record_id),
                    "attachments": attachments.count(entity.name, record_id)})


def openapi_paths(entity_name: str) -> dict:
    """OpenAPI entries for the notes, attachments and counts of one entity's records."""
    base = f"/api/v1/{entity_name}/{{id}}"
    record_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    child_id = record_id + [{"name": "child_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    note_body = {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["body"], "properties": {"body": {"type": "string", "maxLength": 20000}}}}}}
    upload = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    ok = {"description": "ok"}
    errors = {str(code): {"description": reason} for code, reason in
              ((401, "not logged in"), (403, "not allowed"), (404, "record not visible"), (422, "invalid input"))}
    return {
        f"{base}/notes": {"parameters": record_id,
                          "get": {"summary": "Notes on the record, newest first", "responses": {"200": ok, **errors}},
                          "post": {"summary": "Add a note", "requestBody": note_body,
                                   "responses": {"201": ok, **errors}}},
        f"{base}/notes/{{child_id}}": {"parameters": child_id,
                                        "patch": {"summary": "Edit your note", "requestBody": note_body,
                                                  "responses": {"200": ok, **errors}},
                                        "delete": {"summary": "Delete your note", "responses": {"204": ok, **errors}}},
        f"{base}/attachments": {"parameters": record_id,
                                "get": {"summary": "Files on the record", "responses": {"200": ok, **errors}},
                                "post": {"summary": "Upload a file (multipart, field 'file')", "requestBody": upload,
                                         "responses": {"201": ok, "413": {"description": "too large"}, **errors}}},
        f"{base}/attachments/{{child_id}}": {"parameters": child_id,
                                              "get": {"summary": "Download (always as an attachment)",
                                                      "responses": {"200": ok, **errors}},
                                              "delete": {"summary": "Delete a file you uploaded",
                                                         "responses": {"204": ok, **errors}}},
        f"{base}/counts": {"parameters": record_id,
                           "get": {"summary": "Numbers of notes and attachments", "responses": {"200": ok, **errors}}},
    }


def admin_openapi_paths() -> dict:
    """OpenAPI entries for the administrators' job queue and mail settings."""
    job_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    ok, admin_only = {"description": "ok"}, {"403": {"description": "administrators only"}}
    return {
        "/api/v1/jobs": {"get": {"summary": "Jobs (status=queued,running,done,failed,dead; type=...; paging)",
                                 "responses": {"200": ok, "400": {"description": "bad filter"}, **admin_only}}},
        "/api/v1/jobs/{id}": {"parameters": job_id, "get": {"summary": "One job with its payload",
                                                            "responses": {"200": ok, **admin_only}}},
        "/api/v1/jobs/{id}/retry": {"parameters": job_id, "post": {
            "summary": "Queue a dead job again", "responses": {"200": ok, "409": {"description": "not dead"},
                                                               **admin_only}}},
        "/api/v1/mail/settings": {
            "get": {"summary": "SMTP settings (the password only as password_set)",
                    "responses": {"200": ok, **admin_only}},
            "put": {"summary": "Change SMTP settings", "responses": {"200": ok, "422": {"description": "invalid"},
                                                                     **admin_only}}},
        "/api/v1/mail/test": {"post": {"summary": "Send a test email now ({\"to\": [...]})",
                                       "responses": {"200": ok, "422": {"description": "refused or unreachable"},
                                                     **admin_only}}},
    }
