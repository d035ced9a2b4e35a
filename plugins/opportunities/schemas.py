"""Marshmallow schemas of the opportunity API's query strings (for the OpenAPI document)."""
from __future__ import annotations

import marshmallow as ma


class ReportArgs(ma.Schema):
    by = ma.fields.String(metadata={"description": "breakdown: owner_id, account_id, source, type or stage"})
    days = ma.fields.Integer(metadata={"description": "stuck: days in the stage, at least"})
    limit = ma.fields.Integer(metadata={"description": "stuck: at most this many deals (default 50); breakdown: the "
                                                  "largest this many groups (default and at most 500)"})
    # "from" is a Python keyword: the attribute is from_, the query parameter from
    from_ = ma.fields.String(data_key="from", metadata={"description": "forecast: first month, YYYY-MM"})
    to = ma.fields.String(metadata={"description": "forecast: last month, YYYY-MM"})


class StageArgs(ma.Schema):
    type = ma.fields.String(metadata={"description": "opportunity type; every type when absent"})


class StageInput(ma.Schema):
    stage = ma.fields.String(required=True)
    note = ma.fields.String()
    lost_reason = ma.fields.String()
    lost_to = ma.fields.String()
    version = ma.fields.Integer()


class Installment(ma.Schema):
    month = ma.fields.String(required=True, metadata={"description": "YYYY-MM"})
    amount = ma.fields.String(required=True)


class ScheduleInput(ma.Schema):
    billing_method = ma.fields.String(required=True, metadata={"description": "lump_sum, monthly or installments"})
    revenue_month = ma.fields.String()
    revenue_end = ma.fields.String()
    installments = ma.fields.List(ma.fields.Nested(Installment))


SCHEDULE = {"type": "object", "required": ["data"], "properties": {
    "billing_method": {"type": ["string", "null"]},
    "data": {"type": "array", "items": {"type": "object", "required": ["month", "amount", "weighted"], "properties": {
        "month": {"type": "string"}, "amount": {"type": "string"}, "weighted": {"type": "string"}}}}}}
