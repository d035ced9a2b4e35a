"""Marshmallow schemas of the plugin's extra API routes (request bodies), for the OpenAPI document.

The services validate the same bodies with messages in the user's language;
these schemas describe them (``ROUTE_SCHEMAS``: endpoint → request schema).
"""
from __future__ import annotations

import marshmallow as ma


class ReasonBody(ma.Schema):
    reason = ma.fields.String(metadata={"description": "Why (required when rejecting)."})


class FromOpportunityBody(ma.Schema):
    title = ma.fields.String()
    valid_until = ma.fields.Date()
    status = ma.fields.String()


class SendBody(ma.Schema):
    to = ma.fields.List(ma.fields.Email(), required=True)
    subject = ma.fields.String()
    message = ma.fields.String()


class OrderFromQuoteBody(ma.Schema):
    order_date = ma.fields.Date()
    delivery_date = ma.fields.Date()
    remarks = ma.fields.String()


class ConfirmBody(ma.Schema):
    override_reason = ma.fields.String(metadata={"description": "Needs the override_credit right."})


class ShipBody(ma.Schema):
    quantity = ma.fields.Decimal(required=True, as_string=True)


class QuoteSettingsBody(ma.Schema):
    vat_rate = ma.fields.Decimal(as_string=True)
    rounding = ma.fields.String(validate=ma.validate.OneOf(["per_line", "per_document"]))
    validity_days = ma.fields.Integer()
    approval_required = ma.fields.Boolean()
    approval_threshold = ma.fields.Decimal(as_string=True)
    approval_role = ma.fields.String()


class CompanyBody(ma.Schema):
    name = ma.fields.String()
    business_number = ma.fields.String()
    representative = ma.fields.String()
    address = ma.fields.String()
    phone = ma.fields.String()
    fax = ma.fields.String()
    email = ma.fields.String()
    bank_account = ma.fields.String()


ROUTE_SCHEMAS = {
    "quotes_api.from_opportunity": FromOpportunityBody,
    "quotes_api.submit": ReasonBody, "quotes_api.approve": ReasonBody, "quotes_api.reject": ReasonBody,
    "quotes_api.withdraw": ReasonBody, "quotes_api.send": SendBody, "quotes_api.make_order": OrderFromQuoteBody,
    "quotes_api.confirm_order": ConfirmBody, "quotes_api.ship_line": ShipBody,
    "quotes_api.put_settings": QuoteSettingsBody, "quotes_api.put_company": CompanyBody,
}
