"""The orjson provider answers exactly what Flask's default provider answers."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext

from core.json_provider import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int
    y: str


SAMPLE = {"name": "가나상사 有限公司", "amount": Decimal("1500000.00"), "day": dt.date(2026, 11, 22),
          "at": dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone.utc), "id": uuid.UUID(int=7),
          "label": lazy_gettext("Owner"), "point": Point(1, "이"), 3: "int key", "nested": [None, True, 1.5, [1]],
          "big": 2 ** 70}


def test_same_json_as_flask_default(crm_app):
    with crm_app.test_request_context("/"):
        fast = OrjsonProvider(crm_app)
        standard = DefaultJSONProvider(crm_app)
        standard.ensure_ascii = False
        standard.sort_keys = False
        assert json.loads(fast.dumps(SAMPLE)) == json.loads(standard.dumps(SAMPLE))
        small = {k: v for k, v in SAMPLE.items() if k != "big"}
        assert fast.encode(small) is not None  # orjson wrote it, not the fallback
        assert fast.encode(SAMPLE) is None  # beyond 64 bits: the standard encoder writes it
        assert fast.dumps(SAMPLE).count("\\u") == 0  # Korean and Chinese as UTF-8, not escapes


def test_responses_use_it(crm_app, crm_api):
    assert isinstance(crm_app.json, OrjsonProvider)
    response = crm_api.post("/api/v1/accounts", json={"name": "다라상사", "credit_limit": "1,000"})
    assert response.status_code == 201
    assert response.mimetype == "application/json" and response.data.endswith(b"\n")
    assert "다라상사".encode() in response.data and response.json["credit_limit"] == "1000.00"
