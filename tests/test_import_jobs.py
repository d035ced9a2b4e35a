"""Large imports run as a job with visible progress; signals, audit and numbering on the bulk path; silent mode."""
from __future__ import annotations

import sqlalchemy as sa

from core import signals
from test_importexport_support import accounts, brn, upload, xlsx_bytes


def rows(n: int) -> list[list]:
    return [["Account name", "business_number", "Status"]] + [[f"회사{i:05d}", brn(i), "VIP"] for i in range(n)]


def test_async_import_returns_at_once_and_the_job_reports_progress(crm_app, crm_api, monkeypatch):
    from core.db import session
    from core.importexport import service
    from core.importexport.models import ImportBatch
    from core.jobs import Job
    from core.jobs.worker import run_pending

    monkeypatch.setattr(service, "CHUNK", 10)
    response = upload(crm_api, "accounts", xlsx_bytes(rows(25)), "big.xlsx", **{"async": "1"})
    assert response.status_code == 202, response.json
    batch = response.json
    assert batch["status"] == "queued" and batch["job_id"] and batch["total"] == 25 and batch["done"] == 0
    assert accounts(crm_api) == []

    seen_done = []

    def spy(sender, **kw):
        seen_done.append(session().get(ImportBatch, batch["id"]).done)

    signals.record_created.connect(spy)
    try:
        assert run_pending(crm_app) == 1
    finally:
        signals.record_created.disconnect(spy)
    assert sorted(set(seen_done)) == [0, 10, 20]  # rows done so far, committed chunk by chunk
    finished = crm_api.get(f"/api/v1/imports/{batch['id']}").json
    assert (finished["status"], finished["done"], finished["total"], finished["created"]) == ("done", 25, 25, 25)
    with crm_app.app_context():
        job = session().get(Job, batch["job_id"])
        assert (job.status, job.progress_done, job.progress_total) == ("done", 25, 25)
    numbers = [a["number"] for a in accounts(crm_api)]
    assert len(set(numbers)) == 25 and all(n.startswith("ACC-") for n in numbers)


def test_a_file_that_fails_inside_the_job_is_recorded_and_writes_nothing(crm_app, crm_api, monkeypatch):
    from core.importexport import service
    from core.importexport.readers import FileRejected
    from core.jobs.worker import run_pending

    monkeypatch.setattr(service, "CHUNK", 10)
    original = service.Importer.process
    calls = []

    def failing(self, raw_rows):
        calls.append(len(raw_rows))
        if len(calls) == 3:
            raise FileRejected("the disk went away")
        return original(self, raw_rows)

    monkeypatch.setattr(service.Importer, "process", failing)
    response = upload(crm_api, "accounts", xlsx_bytes(rows(25)), "big.xlsx", **{"async": "1"})
    run_pending(crm_app)
    batch = crm_api.get(f"/api/v1/imports/{response.json['id']}").json
    assert batch["status"] == "failed" and batch["message"] == "the disk went away" and batch["created"] == 0
    assert accounts(crm_api) == []


def test_bulk_path_sends_signals_unless_silent(crm_api):
    received = []

    def receiver(sender, record, **kw):
        received.append(record["name"])

    signals.record_created.connect(receiver)
    try:
        loud = upload(crm_api, "accounts", xlsx_bytes(rows(3)), "loud.xlsx")
        assert loud.json["created"] == 3 and received == ["회사00000", "회사00001", "회사00002"]
        received.clear()
        quiet = upload(crm_api, "accounts", xlsx_bytes(rows(6)[:1] + rows(6)[4:]), "quiet.xlsx", silent="1")
        assert quiet.json["created"] == 3 and received == []
    finally:
        signals.record_created.disconnect(receiver)
    assert len(accounts(crm_api)) == 6


def test_bulk_created_records_equal_api_created_ones(crm_app, crm_api):
    """The bulk path writes what records.create writes: same columns, custom JSON, phone index, audit."""
    from core.audit import AuditEntry
    from core.db import session
    from core.runtime import runtime

    crm_api.post("/api/v1/meta/entities/accounts/fields", json={"name": "tier", "label": "Tier", "type": "text"})
    values = {"name": "해동통신", "phone": "02-123-4567", "email": "INFO@haedong.kr", "status": "vip",
              "website": "haedong.kr", "cf_tier": "gold"}
    made = crm_api.post("/api/v1/accounts", json={**values, "business_number": "1234567891"})
    assert made.status_code == 201, made.json
    header = list(values) + ["business_number"]
    imported = upload(crm_api, "accounts", xlsx_bytes([header, list(values.values()) + ["2208162517"]]), "one.xlsx")
    assert imported.json["created"] == 1, imported.json
    with crm_app.app_context():
        table = runtime().registry.get("accounts").table
        api_row, bulk_row = [r._mapping for r in session().execute(sa.select(table).order_by(table.c.id))]
        differ = {"id", "number", "created_at", "updated_at", "customer_code", "business_number", "search_text"}
        for column in api_row.keys():
            if column not in differ:
                assert api_row[column] == bulk_row[column], column
        assert bulk_row["custom"] == {"cf_tier": "gold"} and bulk_row["phone_norm"] == api_row["phone_norm"]
        for part in ("해동통신", "ㅎㄷㅌㅅ", "021234567", bulk_row["number"].lower(), "220-81-62517", "gold"):
            assert part in bulk_row["search_text"], part
        audit = session().scalars(sa.select(AuditEntry).where(AuditEntry.record_id == bulk_row["id"],
                                                             AuditEntry.entity == "accounts")).all()
        assert [a.action for a in audit] == ["create"] and '"cf_tier"' in audit[0].changes
