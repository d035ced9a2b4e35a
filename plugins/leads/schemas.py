"""Request bodies of the leads API (marshmallow), also the OpenAPI description of those routes."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields as mf


class ConvertBody(ma.Schema):
    """``POST /api/v1/leads/<id>/convert``: values given here win over the mapped lead values."""

    class Meta:
        unknown = ma.RAISE

    create_opportunity = mf.Boolean(load_default=False)
    confirm_duplicate = mf.Boolean(load_default=False)
    account = mf.Dict(keys=mf.String(), load_default=dict)
    contact = mf.Dict(keys=mf.String(), load_default=dict)
    opportunity = mf.Dict(keys=mf.String(), load_default=dict)
    version = mf.Integer(strict=False)


class AssignmentBody(ma.Schema):
    """``PUT /api/v1/leads/assignment``."""

    class Meta:
        unknown = ma.RAISE

    mode = mf.String(required=True, validate=ma.validate.OneOf(("off", "round_robin", "by_source")))
    users = mf.List(mf.Integer(strict=True, validate=ma.validate.Range(min=1, max=2**31 - 1)),
                    load_default=list, validate=ma.validate.Length(max=200))
    by_source = mf.Dict(keys=mf.String(validate=ma.validate.Length(max=64)),
                        values=mf.Integer(strict=True, validate=ma.validate.Range(min=1, max=2**31 - 1)),
                        load_default=dict)


class MappingBody(ma.Schema):
    """``PUT /api/v1/leads/mapping``: ``{target entity: {target field: lead field}}``."""

    class Meta:
        unknown = ma.RAISE

    accounts = mf.Dict(keys=mf.String(), values=mf.String())
    contacts = mf.Dict(keys=mf.String(), values=mf.String())
    opportunities = mf.Dict(keys=mf.String(), values=mf.String())
