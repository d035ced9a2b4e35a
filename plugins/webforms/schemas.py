"""Request bodies of the web forms API (marshmallow): the shape of a form and its fields."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields as mf, validate

from plugins.webforms.models import KINDS

BIG = validate.Range(min=0, max=2**31 - 1)


class FieldBody(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    field_name = mf.String(required=True, validate=validate.Length(max=64))
    kind = mf.String(load_default="text", validate=validate.OneOf(KINDS))
    labels = mf.Dict(keys=mf.String(validate=validate.OneOf(("ko", "zh_Hans", "en"))),
                     values=mf.String(validate=validate.Length(max=200)), load_default=dict)
    required = mf.Boolean(load_default=False)
    position = mf.Integer(strict=True, validate=BIG)
    options = mf.List(mf.Raw(), load_default=list, validate=validate.Length(max=100))


class FormBody(ma.Schema):
    """``POST /api/v1/webforms`` and ``PUT /api/v1/webforms/<id>`` (PUT may leave keys out)."""

    class Meta:
        unknown = ma.RAISE

    name = mf.String(validate=validate.Length(min=1, max=200))
    target_entity = mf.String(validate=validate.Length(max=64))
    handler_id = mf.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    source = mf.String(allow_none=True, validate=validate.Length(max=64))
    thank_you = mf.String(allow_none=True, validate=validate.Length(max=2000))
    redirect_url = mf.String(allow_none=True, validate=validate.Length(max=500))
    allowed_origins = mf.List(mf.String(validate=validate.Length(max=200)), validate=validate.Length(max=50))
    active = mf.Boolean()
    min_fill_seconds = mf.Integer(strict=True, validate=validate.Range(min=0, max=3600))
    rate_per_ip = mf.Integer(strict=True, validate=validate.Range(min=1, max=100000))
    rate_per_form = mf.Integer(strict=True, validate=validate.Range(min=1, max=1000000))
    fields = mf.List(mf.Nested(FieldBody), validate=validate.Length(max=50))
