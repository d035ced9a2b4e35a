"""A list page's rows go straight to their API form; it must be exactly a detail's form of the same record."""
from __future__ import annotations

import sqlalchemy as sa

from core.db import session
from core.entities import records
from core.entities.record_json import rows_to_json, to_json

CUSTOM = [("words", "text", None), ("notes", "longtext", None), ("seats", "integer", None),
          ("ratio", "decimal", None), ("budget", "money", None), ("share", "percent", None),
          ("vip", "boolean", None), ("since", "date", None), ("called", "datetime", None),
          ("grade", "picklist", ["A", "B"]), ("tags", "multipicklist", ["x", "y"]),
          ("mail", "email", None), ("line", "phone", None), ("site", "url", None), ("rep", "user", None)]


def test_rows_to_json_matches_to_json_for_every_field_type(crm_app, crm_api, crm_admin):
    for name, kind, values in CUSTOM:
        body = {"name": name, "label": name, "type": kind, **({"values": values} if values else {})}
        assert crm_api.post("/api/v1/meta/entities/accounts/fields", json=body).status_code == 201
    full = crm_api.post("/api/v1/accounts", json={
        "name": "가나상사", "phone": "02-123-4567", "credit_limit": "1,000", "cf_words": "말", "cf_notes": "긴\n글",
        "cf_seats": 12, "cf_ratio": "0.125", "cf_budget": "1,500,000", "cf_share": "12.5", "cf_vip": True,
        "cf_since": "2025-03-01", "cf_called": "2026-11-22T09:30:00+09:00", "cf_grade": "B", "cf_tags": ["y", "x"],
        "cf_mail": "a@example.com", "cf_line": "010-1234-5678", "cf_site": "https://example.com",
        "cf_rep": crm_admin[0]})
    assert full.status_code == 201, full.json
    empty = crm_api.post("/api/v1/accounts", json={"name": "빈 거래처"})
    gone = crm_api.post("/api/v1/accounts", json={"name": "지운 거래처"})
    assert crm_api.delete(f"/api/v1/accounts/{gone.json['id']}").status_code == 204
    with crm_app.app_context():
        entity = crm_app.extensions["plugcrm"].registry.get("accounts")
        table = entity.table
        # a value stored before its field's type changed reads as empty, in both forms
        session().execute(sa.update(table).where(table.c.id == empty.json["id"])
                          .values(custom={"cf_seats": "many", "cf_since": "soon"}))
        fields = records.entity_fields(entity)
        expected = [list(to_json(entity, records.row_to_record(entity, row, fields)).items())
                    for row in session().execute(sa.select(table).order_by(table.c.id))]
        result = session().execute(sa.select(table).order_by(table.c.id))
        got = [list(item.items()) for item in rows_to_json(entity, list(result.keys()), result.all())]
        session().rollback()
    assert got == expected
    assert len(got) == 3 and dict(got[0])["cf_called"] == "2026-11-22T00:30:00Z"
    assert dict(got[1])["cf_seats"] is None and dict(got[1])["cf_tags"] == []
    assert "deleted_at" in dict(got[2]) and "deleted_at" not in dict(got[0])


def test_list_items_are_the_detail_form(crm_api):
    crm_api.post("/api/v1/meta/entities/accounts/fields", json={"name": "since", "label": "since", "type": "date"})
    created = crm_api.post("/api/v1/accounts", json={"name": "다라전자", "status": "vip", "cf_since": "2024-05-06"})
    listed = crm_api.get("/api/v1/accounts").json["data"]
    detail = crm_api.get(f"/api/v1/accounts/{created.json['id']}").json
    assert listed == [detail]
    assert detail["cf_since"] == "2024-05-06" and detail["_display"]["status"]
