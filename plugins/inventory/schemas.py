"""The contracts of the plugin's API routes (for the OpenAPI document and its fuzzer).

The services validate the same bodies with messages in the user's language.
"""
from __future__ import annotations

import marshmallow as ma

from core.api.schemas import Answer


class StockArgs(ma.Schema):
    warehouse_id = ma.fields.Integer(metadata={"description": "One warehouse; empty: the total of all."})
    q = ma.fields.String(metadata={"description": "Part of the product name, model or code."})
    include_zero = ma.fields.Boolean(metadata={"description": "Show products whose stock is 0 (hidden by default)."})


class WarehouseArgs(ma.Schema):
    warehouse_id = ma.fields.Integer()


class DailyArgs(ma.Schema):
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)
    warehouse_id = ma.fields.Integer()
    product_id = ma.fields.Integer()


class MonthlyArgs(ma.Schema):
    year = ma.fields.Integer(required=True)
    warehouse_id = ma.fields.Integer()


class DocumentArgs(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(["draft", "posted", "cancelled"]))
    kind = ma.fields.String()
    warehouse_id = ma.fields.Integer()
    source = ma.fields.String(validate=ma.validate.OneOf(["purchase_order", "sales_order"]))
    source_id = ma.fields.Integer()


class PriceArgs(ma.Schema):
    product_id = ma.fields.Integer(required=True)
    supplier_id = ma.fields.Integer()


class LineInput(ma.Schema):
    product_id = ma.fields.Integer(required=True)
    quantity = ma.fields.Decimal(required=True, as_string=True,
                                 metadata={"description": "Above 0; a stock-take's counted quantity (0 allowed)."})
    unit_cost = ma.fields.Decimal(as_string=True)


class DocumentInput(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(
        ["receipt", "issue", "transfer", "stocktake", "opening", "return_in", "return_out"]))
    warehouse_id = ma.fields.Integer(required=True)
    to_warehouse_id = ma.fields.Integer(metadata={"description": "A transfer's receiving warehouse."})
    account_id = ma.fields.Integer(metadata={"description": "The supplier or customer (returns)."})
    document_date = ma.fields.Date()
    note = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(LineInput), required=True)
    post = ma.fields.Boolean(metadata={"description": "Post at once (the caller keeps the warehouse)."})


class PostInput(ma.Schema):
    quantities = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Decimal(as_string=True),
                                metadata={"description": "{line id: quantity} to post less than drafted."})


class KeepersInput(ma.Schema):
    user_ids = ma.fields.List(ma.fields.Integer(), required=True)


class ProductStockInput(ma.Schema):
    tracked = ma.fields.Boolean()
    min_quantity = ma.fields.Decimal(as_string=True, allow_none=True)
    max_quantity = ma.fields.Decimal(as_string=True, allow_none=True)
    cost_review_needed = ma.fields.Boolean()


class ReceiveInput(ma.Schema):
    warehouse_id = ma.fields.Integer(metadata={"description": "Empty: the order's receiving warehouse."})
    quantities = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Decimal(as_string=True),
                                metadata={"description": "{order line id: quantity}; empty: all that remains."})


class OutboundInput(ma.Schema):
    warehouse_id = ma.fields.Integer(required=True)


class DocumentLine(Answer):
    id = ma.fields.Integer()
    product_id = ma.fields.Integer()
    quantity = ma.fields.String()


class Document(Answer):
    id = ma.fields.Integer()
    number = ma.fields.String()
    kind = ma.fields.String()
    status = ma.fields.String()
    warehouse_id = ma.fields.Integer()
    lines = ma.fields.List(ma.fields.Nested(DocumentLine))


class StockRow(Answer):
    product_id = ma.fields.Integer()
    name = ma.fields.String()
    quantity = ma.fields.String()


class Keeper(Answer):
    id = ma.fields.Integer()
    name = ma.fields.String()
