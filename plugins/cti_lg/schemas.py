"""Request bodies and answers of ``/api/v1/cti_lg`` as marshmallow schemas (validation and the OpenAPI document)."""
from __future__ import annotations

import marshmallow as ma
from core.plugin_api import translator

_, _l = translator("cti_lg")


TEXT = {"invalid": _l("Enter text."), "required": _l("This field is required."),
        "null": _l("This field is required.")}
INT = {"invalid": _l("Enter a whole number."), "required": _l("This field is required.")}


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


def text(max_length: int, **kw):
    return ma.fields.String(validate=ma.validate.Length(max=max_length), error_messages=TEXT, **kw)


def an_id(**kw):
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=2**31 - 1), error_messages=INT, **kw)


class LineInput(Strict):
    number = text(20, required=True)
    label = text(100, load_default="")
    password = text(200, load_default="")
    base_url = text(300, load_default="")
    active = ma.fields.Boolean(load_default=True)


class CallbackInput(Strict):
    host = text(15, required=True)
    port = an_id(required=True)


class ExtensionInput(Strict):
    user_id = an_id(allow_none=True, load_default=None)


class DialInput(Strict):
    phone = text(40, required=True)


class LinkInput(Strict):
    account_id = an_id(allow_none=True, load_default=None)
    contact_id = an_id(allow_none=True, load_default=None)


class EventArgs(ma.Schema):
    after = ma.fields.Integer(metadata={"description": "the last event id the browser has seen"})


class StatsArgs(ma.Schema):
    since = ma.fields.String(metadata={"description": "ISO date (default: 30 days ago)"})
    until = ma.fields.String(metadata={"description": "ISO date (default: today)"})


class Line(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    label = ma.fields.String()
    base_url = ma.fields.String()
    active = ma.fields.Boolean()
    password_set = ma.fields.Boolean()
    callback_registered = ma.fields.Boolean()
    callback_url = ma.fields.String()
    last_error = ma.fields.String()
    demo = ma.fields.Boolean()
    checked_at = ma.fields.String(allow_none=True)
    extensions = ma.fields.List(ma.fields.Dict())


class Popup(ma.Schema):
    event_id = ma.fields.Integer()
    call_id = ma.fields.Integer()
    caller = ma.fields.String()
    inner_num = ma.fields.String()
    started_at = ma.fields.String()
    matches = ma.fields.List(ma.fields.Dict())
    open_receipts = ma.fields.List(ma.fields.Dict())
    activities = ma.fields.List(ma.fields.Dict())


class Events(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(Popup))
    last_id = ma.fields.Integer()


class Dialled(ma.Schema):
    call_id = ma.fields.Integer()
    status = ma.fields.String()
    message = ma.fields.String()
