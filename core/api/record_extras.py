"""What hangs off any record besides its fields: shared helpers and the tab counts."""
from __future__ import annotations

from flask import jsonify

from core import attachments, notes
from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
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
@operation(response=schemas.Counts)
def record_counts(entity_name, record_id):
    """Numbers for the record page's tabs: notes and attachments."""
    entity, _user = visible_entity(entity_name, record_id)
    return jsonify({"notes": notes.count(entity.name, record_id),
                    "attachments": attachments.count(entity.name, record_id)})
