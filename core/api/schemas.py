"""Marshmallow schemas of query strings shared by many routes (for the OpenAPI document, :mod:`core.api.openapi`)."""
from __future__ import annotations

import marshmallow as ma

JSON_OBJECT = {"type": "object"}


class PageArgs(ma.Schema):
    page = ma.fields.Integer(metadata={"description": "page number, from 1"})
    per_page = ma.fields.Integer(metadata={"description": "rows per page, at most 200"})


class ListArgs(PageArgs):
    q = ma.fields.String(metadata={"description": "free-text search"})
    sort = ma.fields.String(metadata={"description": "fields, comma-separated; -field for descending"})


class SinceUntilArgs(PageArgs):
    since = ma.fields.String(metadata={"description": "ISO date or date-time"})
    until = ma.fields.String(metadata={"description": "ISO date or date-time"})


class AuditArgs(SinceUntilArgs):
    entity = ma.fields.String()
    action = ma.fields.String()
    record_id = ma.fields.Integer()
    user_id = ma.fields.Integer()


class LoginLogArgs(SinceUntilArgs):
    email = ma.fields.String()
    ip = ma.fields.String()
    method = ma.fields.String()
    user_id = ma.fields.Integer()
    success = ma.fields.Boolean()


class JobArgs(PageArgs):
    status = ma.fields.String(metadata={"description": "queued, running, done, failed, dead (comma-separated)"})
    type = ma.fields.String()


class UserArgs(ma.Schema):
    active = ma.fields.Boolean()
    role_id = ma.fields.Integer()
    q = ma.fields.String()


class PreviewArgs(ma.Schema):
    rows = ma.fields.Integer(metadata={"description": "rows to preview, 1 to 100"})
    delimiter = ma.fields.String(metadata={"description": "one character (CSV)"})
    encoding = ma.fields.String()


# --- answers: the keys declared are typed; others may follow (unknown = INCLUDE) --------------------

class Answer(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE


def listing(item) -> dict:
    """``{"data": [item, ...]}`` (``item`` a schema class or a JSON-schema dict)."""
    return {"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": item}}}


def paged(item) -> dict:
    """``{"data": [item, ...], "meta": {page, per_page, total}}``."""
    out = listing(item)
    out["required"] = ["data", "meta"]
    out["properties"]["meta"] = {"$ref": "#/components/schemas/PageMeta"}
    return out


class Role(Answer):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    label = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    users = ma.fields.Integer()


class Colleague(Answer):
    """Administrators get :class:`User`; everyone else only ids and names."""
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class User(Colleague):
    email = ma.fields.String()
    role_id = ma.fields.Integer(allow_none=True)
    is_admin = ma.fields.Boolean()
    active = ma.fields.Boolean()
    language = ma.fields.String(allow_none=True)
    created_at = ma.fields.String(allow_none=True)
    last_login_at = ma.fields.String(allow_none=True)


class Token(Answer):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    created_at = ma.fields.String(allow_none=True)
    last_used_at = ma.fields.String(allow_none=True)
    revoked_at = ma.fields.String(allow_none=True)


class Job(Answer):
    id = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    attempts = ma.fields.Integer()
    max_attempts = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)
    payload = ma.fields.Dict()


class Note(Answer):
    id = ma.fields.Integer(required=True)
    entity = ma.fields.String()
    record_id = ma.fields.Integer()
    body = ma.fields.String(required=True)
    author_id = ma.fields.Integer(allow_none=True)
    author_name = ma.fields.String()
    can_edit = ma.fields.Boolean()
    can_delete = ma.fields.Boolean()


class Attachment(Answer):
    id = ma.fields.Integer(required=True)
    filename = ma.fields.String(required=True)
    content_type = ma.fields.String(allow_none=True)
    size = ma.fields.Integer()
    sha256 = ma.fields.String(allow_none=True)


class Counts(Answer):
    notes = ma.fields.Integer(required=True)
    attachments = ma.fields.Integer(required=True)


class Purged(Answer):
    data = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)
    total = ma.fields.Integer(required=True)


# --- request bodies --------------------------------------------------------------------------------

class RoleInput(ma.Schema):
    name = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    parent_id = ma.fields.Integer(allow_none=True)


class UserInput(ma.Schema):
    email = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    password = ma.fields.String(required=True)
    role_id = ma.fields.Integer(allow_none=True)
    is_admin = ma.fields.Boolean()
    active = ma.fields.Boolean()
    language = ma.fields.String(allow_none=True)


class TransferInput(ma.Schema):
    to_user_id = ma.fields.Integer(required=True)
    entities = ma.fields.List(ma.fields.String())


class TokenInput(ma.Schema):
    name = ma.fields.String(required=True)


class NoteInput(ma.Schema):
    body = ma.fields.String(required=True)


class PurgeInput(ma.Schema):
    older_than_days = ma.fields.Integer(required=True)


class MailTestInput(ma.Schema):
    to = ma.fields.List(ma.fields.String())


class ImportBatch(Answer):
    id = ma.fields.Integer(required=True)
    entity = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    total = ma.fields.Integer(allow_none=True)
    done = ma.fields.Integer(allow_none=True)
    created = ma.fields.Integer(allow_none=True)
    rejected = ma.fields.Integer(allow_none=True)
    job_id = ma.fields.Integer(allow_none=True)


class Export(Answer):
    id = ma.fields.Integer(required=True)
    entity = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    format = ma.fields.String()
    download = ma.fields.String(allow_none=True)


class Mapping(Answer):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    mapping = ma.fields.Dict(required=True)


class MappingInput(ma.Schema):
    name = ma.fields.String(required=True)
    mapping = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)


class AuditEntry(Answer):
    id = ma.fields.Integer(required=True)
    at = ma.fields.String(required=True)
    user_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String(required=True)
    entity = ma.fields.String(allow_none=True)
    record_id = ma.fields.Integer(allow_none=True)
    changes = ma.fields.Dict()


class LoginEvent(Answer):
    id = ma.fields.Integer(required=True)
    at = ma.fields.String(required=True)
    user_id = ma.fields.Integer(allow_none=True)
    email = ma.fields.String(allow_none=True)
    success = ma.fields.Boolean(required=True)


class PicklistValue(Answer):
    value = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    active = ma.fields.Boolean()
    colour = ma.fields.String(allow_none=True)


class PicklistValueInput(ma.Schema):
    value = ma.fields.String(required=True)
    labels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    active = ma.fields.Boolean()
    colour = ma.fields.String(allow_none=True)


class EntityMeta(Answer):
    name = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    plugin = ma.fields.String()
    fields = ma.fields.List(ma.fields.Dict())


class CustomFieldInput(ma.Schema):
    name = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    type = ma.fields.String()
    required = ma.fields.Boolean()
