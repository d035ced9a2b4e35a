"""Marshmallow schemas of query strings shared by many routes (for the OpenAPI document, :mod:`core.api.openapi`)."""
from __future__ import annotations

import marshmallow as ma


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


class PreviewArgs(ma.Schema):
    rows = ma.fields.Integer(metadata={"description": "rows to preview, 1 to 100"})
    delimiter = ma.fields.String(metadata={"description": "one character (CSV)"})
    encoding = ma.fields.String()
