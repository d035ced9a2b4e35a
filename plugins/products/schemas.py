"""Marshmallow schemas of the products API's extra routes (for the OpenAPI document)."""
from __future__ import annotations

import marshmallow as ma


class PriceArgs(ma.Schema):
    price_list = ma.fields.Integer(metadata={"description": "a price list id; the list price when absent"})
