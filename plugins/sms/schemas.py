"""Request bodies of ``/api/v1/sms`` as marshmallow schemas (validation, and the API's documentation)."""
from __future__ import annotations

import marshmallow as ma
from core.plugin_api import translator

from plugins.sms.length import RULES
from plugins.sms.rules import NIGHT_POLICIES

_, _l = translator("sms")

TEXT = {"invalid": _l("Enter text."), "required": _l("This field is required."),
        "null": _l("This field is required.")}
INT = {"invalid": _l("Enter a whole number."), "required": _l("This field is required.")}
LIST = {"invalid": _l("Enter a list.")}
BOOL = {"invalid": _l("Enter true or false.")}


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


def ids(**kw):
    return ma.fields.List(ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1), error_messages=INT),
                          load_default=list, error_messages=LIST, **kw)


class RecipientsSchema(Strict):
    contact_ids = ids()
    account_ids = ids()
    group = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=64),
                             error_messages=TEXT)
    numbers = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=40), error_messages=TEXT),
                             load_default=list, error_messages=LIST)
    filter_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True, error_messages=INT)


class ComposeSchema(RecipientsSchema):
    """A send: recipients, the text with merge fields ``{name}`` / ``{company}``, and how it goes."""

    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000), error_messages=TEXT)
    subject = ma.fields.String(load_default="", validate=ma.validate.Length(max=100), error_messages=TEXT)
    sender_id = ma.fields.Integer(required=True, strict=True, error_messages=INT)
    advertising = ma.fields.Boolean(load_default=False, error_messages=BOOL)
    night_policy = ma.fields.String(load_default="refuse", validate=ma.validate.OneOf(NIGHT_POLICIES),
                                    error_messages=TEXT)
    signature = ma.fields.Boolean(load_default=True, error_messages=BOOL)
    send_at = ma.fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=None,
                                      error_messages={"invalid": _l("Enter a date and time with its time zone."),
                                                      "invalid_awareness": _l("Give the time zone, e.g. +09:00.")})
    test = ma.fields.Boolean(load_default=False, error_messages=BOOL)


class PreviewSchema(Strict):
    body = ma.fields.String(required=True, validate=ma.validate.Length(max=4000), error_messages=TEXT)
    subject = ma.fields.String(load_default="", validate=ma.validate.Length(max=100), error_messages=TEXT)
    advertising = ma.fields.Boolean(load_default=False, error_messages=BOOL)
    signature = ma.fields.Boolean(load_default=True, error_messages=BOOL)
    rule = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf(RULES),
                            error_messages=TEXT)


class SenderSchema(Strict):
    number = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=40), error_messages=TEXT)
    label = ma.fields.String(load_default="", validate=ma.validate.Length(max=100), error_messages=TEXT)
    active = ma.fields.Boolean(load_default=True, error_messages=BOOL)


class ProfileSchema(Strict):
    mobile = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=40), error_messages=TEXT)
    signature = ma.fields.String(validate=ma.validate.Length(max=200), error_messages=TEXT)


class ConsentSchema(Strict):
    ads = ma.fields.Boolean(required=True, error_messages=BOOL)
    night = ma.fields.Boolean(load_default=False, error_messages=BOOL)
    given_on = ma.fields.Date(load_default=None, allow_none=True,
                              error_messages={"invalid": _l("Enter a date (YYYY-MM-DD).")})
    source = ma.fields.String(load_default="", validate=ma.validate.Length(max=100), error_messages=TEXT)


class OptOutSchema(Strict):
    numbers = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=40), error_messages=TEXT),
                             required=True, validate=ma.validate.Length(min=1, max=10000), error_messages=LIST)
    source = ma.fields.String(load_default="manual", validate=ma.validate.OneOf(("manual", "import", "080")),
                              error_messages=TEXT)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=200), error_messages=TEXT)


class SettingsSchema(Strict):
    """The deployment's SMS settings; secret provider settings are write-only."""

    provider = ma.fields.String(validate=ma.validate.Length(min=1, max=40), error_messages=TEXT)
    provider_settings = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(allow_none=True),
                                       error_messages={"invalid": _l("Enter an object of texts.")})
    rule = ma.fields.String(validate=ma.validate.OneOf(RULES), error_messages=TEXT)
    daily_cap = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=10_000_000),
                                  error_messages=INT)
    company_name = ma.fields.String(validate=ma.validate.Length(max=60), error_messages=TEXT)
    company_contact = ma.fields.String(validate=ma.validate.Length(max=40), error_messages=TEXT)
    optout_number = ma.fields.String(validate=ma.validate.Length(max=20), error_messages=TEXT)
    rate_per_second = ma.fields.Float(allow_none=True, validate=ma.validate.Range(min=0.1, max=100000),
                                      error_messages={"invalid": _l("Enter a number.")})
    timeout = ma.fields.Float(validate=ma.validate.Range(min=0.1, max=120),
                              error_messages={"invalid": _l("Enter a number of seconds.")})
    public_url = ma.fields.String(validate=ma.validate.Regexp(r"^https?://[^\s/]+(/\S*)?$|^$",
                                                             error=_l("Enter a web address (https://...).")),
                                  error_messages=TEXT)
