"""Generic CRUD, list and restore endpoints for every entity."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from core.api import schemas
from core.api.blueprint import api
from core.api.contract import ENTITY, ENTITY_INPUT, ENTITY_PAGE, operation
from core.audit import history
from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.entities.record_json import rows_to_json
from core.entities.query import apply_params, fetch_page, parse_list_args, visible_select
from core.errors import BadRequest
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields, strip_hidden
from core.security.permissions import require_right


def entity_or_404(name: str):
    return runtime().registry.get(name)


def body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest(_("Send a JSON object with Content-Type: application/json."))
    return data


def list_page(entity, user, args) -> dict:
    """One page of records plus meta; the count is capped so huge tables stay fast."""
    params = parse_list_args(entity, args, user)
    require_right(user, entity, "view")
    conn = session().connection()  # Core statements: the ORM's per-statement machinery would only add time
    stmt = apply_params(entity, visible_select(entity, user), params)
    page = fetch_page(conn, entity, stmt, params, runtime().settings.list_count_cap)
    return {"data": items_json(entity, page.keys, page.rows, user, hidden_fields(entity, user)),
            "meta": {"page": params.page, "per_page": params.per_page, "total": page.total,
                     "total_exact": page.exact}}


def items_json(entity, keys: list[str], rows, user, hidden: set[str]) -> list[dict]:
    """Rows of ``entity``'s table (columns ``keys``) as API items with ``_display``, ``hidden`` left out."""
    data = rows_to_json(entity, keys, rows)
    for item, display in zip(data, display_values(entity, data, user)):  # ids and codes are alike in both forms
        item["_display"] = display
        strip_hidden(item, hidden)
    return data


@api.get("/<entity_name>")
@operation("List records (filters: field=value, field__op=value)", query=schemas.ListArgs, response=ENTITY_PAGE)
def list_records(entity_name):
    entity = entity_or_404(entity_name)
    return jsonify(list_page(entity, current_user_or_none(), request.args))


@api.post("/<entity_name>")
@operation("Create a record", body=ENTITY_INPUT, response=ENTITY, status=201)
def create_record(entity_name):
    entity = entity_or_404(entity_name)
    record = records.create(entity, body(), current_user_or_none())
    session().commit()
    return detail_response(entity, record, 201)


@api.get("/<entity_name>/<int:record_id>")
@operation("Read a record", response=ENTITY)
def get_record(entity_name, record_id):
    entity = entity_or_404(entity_name)
    user = current_user_or_none()
    require_right(user, entity, "view")
    return detail_response(entity, records.get(entity, record_id, user))


@api.patch("/<entity_name>/<int:record_id>")
@operation("Update a record (If-Match: version)", body=ENTITY_INPUT, response=ENTITY)
def update_record(entity_name, record_id):
    entity = entity_or_404(entity_name)
    if_match = request.headers.get("If-Match")
    expected = records.parse_version(if_match) if if_match else None
    record = records.update(entity, record_id, body(), current_user_or_none(), expected_version=expected)
    session().commit()
    return detail_response(entity, record)


@api.delete("/<entity_name>/<int:record_id>")
@operation("Move a record to the recycle bin")
def delete_record(entity_name, record_id):
    entity = entity_or_404(entity_name)
    records.delete(entity, record_id, current_user_or_none())
    session().commit()
    return "", 204


@api.post("/<entity_name>/<int:record_id>/restore")
@operation("Restore a record from the recycle bin", response=ENTITY)
def restore_record(entity_name, record_id):
    entity = entity_or_404(entity_name)
    record = records.restore(entity, record_id, current_user_or_none())
    session().commit()
    return detail_response(entity, record)


@api.get("/<entity_name>/<int:record_id>/history")
@operation("Audit history of a record (who, when, old -> new)", response=schemas.listing(schemas.JSON_OBJECT))
def record_history(entity_name, record_id):
    entity = entity_or_404(entity_name)
    user = current_user_or_none()
    records.get(entity, record_id, user, include_deleted=True)
    return jsonify({"data": history(entity.name, record_id, hidden_fields(entity, user))})


def detail_response(entity, record, status=200):
    user = current_user_or_none()
    out = records.to_json(entity, record)
    out["_display"] = display_values(entity, [record], user)[0]
    strip_hidden(out, hidden_fields(entity, user))
    response = jsonify(out)
    response.status_code = status
    response.headers["ETag"] = f'"{record["version"]}"'
    return response
