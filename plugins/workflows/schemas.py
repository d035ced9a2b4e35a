"""Marshmallow schemas of the workflows API (for the OpenAPI document; the definitions module validates)."""
from __future__ import annotations

import marshmallow as ma


class EntityArgs(ma.Schema):
    entity = ma.fields.String()


class LimitArgs(ma.Schema):
    limit = ma.fields.Integer(metadata={"description": "at most 200"})


class RecordRunsArgs(LimitArgs):
    entity = ma.fields.String(required=True)
    record_id = ma.fields.Integer(required=True)


class WorkflowInput(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    name = ma.fields.String(required=True)
    entity = ma.fields.String(required=True)
    trigger = ma.fields.Dict(required=True)
    conditions = ma.fields.Dict()
    tasks = ma.fields.List(ma.fields.Dict())
    active = ma.fields.Boolean()


class DryRunInput(ma.Schema):
    definition = ma.fields.Dict()
    record_id = ma.fields.Integer()
    changes = ma.fields.Dict()
    as_new = ma.fields.Boolean()


class RunInput(ma.Schema):
    record_id = ma.fields.Integer()
