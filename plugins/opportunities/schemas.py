"""Marshmallow schemas of the opportunity API's query strings (for the OpenAPI document)."""
from __future__ import annotations

import marshmallow as ma


class ReportArgs(ma.Schema):
    by = ma.fields.String(metadata={"description": "breakdown: owner_id, account_id, source, type or stage"})
    days = ma.fields.Integer(metadata={"description": "stuck: days in the stage, at least"})
    limit = ma.fields.Integer(metadata={"description": "stuck: at most this many deals"})
    # "from" is a Python keyword: the attribute is from_, the query parameter from
    from_ = ma.fields.String(data_key="from", metadata={"description": "forecast: first month, YYYY-MM"})
    to = ma.fields.String(metadata={"description": "forecast: last month, YYYY-MM"})
