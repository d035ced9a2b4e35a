"""Marshmallow schemas of the customers API's extra routes (for the OpenAPI document)."""
from __future__ import annotations

import marshmallow as ma

CODE_FORMAT = {"type": "object", "required": ["format"],
               "properties": {"format": {"type": "string"}, "default": {"type": "string"}}}
ASSIGNEES = {"type": "object", "required": ["user_ids"],
             "properties": {"user_ids": {"type": "array", "items": {"type": "integer"}}}}


class DuplicateArgs(ma.Schema):
    name = ma.fields.String()
    business_number = ma.fields.String()


class CodeFormatInput(ma.Schema):
    format = ma.fields.String(required=True, metadata={"description": "e.g. C{YYYY}-{####}"})


class AssigneesInput(ma.Schema):
    user_ids = ma.fields.List(ma.fields.Integer(), required=True)
