"""``/api/v1/<entity>/<id>/notes``: comments on any record the user can see."""
from __future__ import annotations

from flask import jsonify

from core import notes
from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
from core.api.records import body
from core.db import session
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.users import names_of


def context(entity_name: str):
    return runtime().registry.get(entity_name), current_user_or_none()


def note_response(note, user, status=200):
    response = jsonify(notes.note_json(note, user, names_of([note.author_id])))
    response.status_code = status
    return response


@api.get("/<entity_name>/<int:record_id>/notes")
@operation("Notes on the record, newest first", response=schemas.listing(schemas.Note))
def list_notes(entity_name, record_id):
    entity, user = context(entity_name)
    rows = notes.list_notes(entity, record_id, user)
    names = names_of(n.author_id for n in rows)
    return jsonify({"data": [notes.note_json(n, user, names) for n in rows]})


@api.post("/<entity_name>/<int:record_id>/notes")
@operation("Add a note", body=schemas.NoteInput, response=schemas.Note, status=201)
def add_note(entity_name, record_id):
    entity, user = context(entity_name)
    note = notes.add_note(entity, record_id, body(), user)
    session().commit()
    return note_response(note, user, 201)


@api.patch("/<entity_name>/<int:record_id>/notes/<int:note_id>")
@operation("Edit your note", body=schemas.NoteInput, response=schemas.Note)
def update_note(entity_name, record_id, note_id):
    entity, user = context(entity_name)
    note = notes.update_note(entity, record_id, note_id, body(), user)
    session().commit()
    return note_response(note, user)


@api.delete("/<entity_name>/<int:record_id>/notes/<int:note_id>")
@operation("Delete your note")
def delete_note(entity_name, record_id, note_id):
    entity, user = context(entity_name)
    notes.delete_note(entity, record_id, note_id, user)
    session().commit()
    return "", 204
