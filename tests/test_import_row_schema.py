"""The importer's RowSchema gives exactly what the marshmallow schema gives, for good and bad input alike."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import marshmallow as ma
import pytest

from core.entities.records import translate_errors
from core.entities.schemas import schema_for
from core.importexport.row_schema import RowSchema
from core.runtime import runtime

CUSTOM_FIELDS = [
    {"name": "cf_size", "label": "Size", "type": "integer", "min_value": 1, "max_value": 1000},
    {"name": "cf_budget", "label": "Budget", "type": "money", "required": True},
    {"name": "cf_share", "label": "Share", "type": "percent"},
    {"name": "cf_since", "label": "Since", "type": "date"},
    {"name": "cf_met", "label": "Met", "type": "datetime"},
    {"name": "cf_ok", "label": "OK", "type": "boolean"},
    {"name": "cf_site", "label": "Site", "type": "url"},
]

VALUES = [None, "", " ", [], {}, True, False, 0, -3, 7, 10 ** 16, 1.5, float("nan"), Decimal("12.345"),
          "abc", "  padded  ", "x" * 300, "12", "1,234,000", "₩1,234,000", "12.5%", "150", "-1",
          "2026-02-30", "2026-03-01", "2026/03/01", "2026-03-01T09:30:00", "2026-03-01T09:30:00Z",
          dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9, 30), "yes", "아니오", "maybe", "vip",
          ["vip", "normal"], ["vip", 3], "a; b, c", "ceo@corp.co.kr", "not-an-email", "02-123-4567",
          "phone?", "example.com", "ftp://x", "123-45-67891", "1234567891", "123-45-67890"]


def outcome(load, body):
    """The loaded values, or the error messages as the client sees them."""
    try:
        return "ok", load(body)
    except ma.ValidationError as exc:
        return "error", {k: str(v) for k, v in translate_errors(exc.messages).items()}


@pytest.fixture
def with_custom_fields(crm_api):
    for body in CUSTOM_FIELDS:
        response = crm_api.post("/api/v1/meta/entities/accounts/fields", json=body)
        assert response.status_code == 201, response.json
    return crm_api


def test_every_field_and_value_of_every_entity_loads_as_the_schema_loads(crm_app, with_custom_fields):
    compared = errors = 0
    with crm_app.test_request_context("/?lang=en"):
        for entity in runtime().registry.entities.values():
            fields = runtime().registry.fields(entity)
            schema, row_schema = schema_for(entity, fields), RowSchema(entity, fields)
            names = [f.name for f in fields] + ["id", "no_such_field"]
            bodies = [{}] + [{name: value} for name in names for value in VALUES]
            bodies += [{name: value for name in names} for value in VALUES]
            for body in bodies:
                expected = outcome(lambda b: schema.load(b, partial=False), body)
                assert outcome(row_schema.load, body) == expected, (entity.name, body)
                compared += 1
                errors += expected[0] == "error"
    assert compared > 5000 and 0 < errors < compared  # both paths were exercised


def test_a_valid_complete_row_gives_the_same_values(crm_app, with_custom_fields):
    with crm_app.test_request_context("/?lang=ko"):
        accounts = runtime().registry.get("accounts")
        fields = runtime().registry.fields(accounts)
        body = {"name": "(주)해동통신", "business_number": "1234567891", "status": "vip", "phone": "02-123-4567",
                "email": "CEO@Haedong.kr", "credit_limit": "₩1,234,000", "cf_budget": "5,000", "cf_size": "12",
                "cf_since": "2026/03/01", "cf_ok": "예", "cf_share": "12.5%", "cf_site": "haedong.kr"}
        values = RowSchema(accounts, fields).load(body)
        assert values == schema_for(accounts, fields).load(body, partial=False)
        assert values["business_number"] == "123-45-67891" and values["cf_budget"] == Decimal("5000.00")
        assert values["cf_ok"] is True and values["email"] == "ceo@haedong.kr"
        assert list(values) == [n for n in schema_for(accounts, fields).load_fields if n in values]
