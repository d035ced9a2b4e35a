"""Recovery of crashed imports in one process (the killed-process versions are in test_import_faults.py):
a batch whose job died on every attempt ends failed and can be undone, a runner that lost its lease stops
without writing, stored uploads no import needs are swept, and ``plugcrm export --fields`` names the fields.
"""
from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from test_importexport_support import accounts, upload, xlsx_bytes


class ProcessDied(BaseException):
    """Raised to stand for a killed process: no ``except Exception`` of the application sees it."""


def rows(n: int) -> list[list]:
    return [["Account name", "Phone"]] + [[f"복구{i:04d}", f"02-555-{i:04d}"] for i in range(n)]


def dying_on_chunk(monkeypatch, chunk_number: int):
    """Make the importer's ``chunk_number``-th chunk (counted over the test) die like a killed process."""
    from core.importexport import service

    original, calls = service.Importer.process, []

    def process(self, raw_rows):
        calls.append(1)
        if len(calls) == chunk_number:
            raise ProcessDied()
        return original(self, raw_rows)

    monkeypatch.setattr(service.Importer, "process", process)


def run_crashing(app):
    from core.jobs.worker import run_pending

    with pytest.raises(ProcessDied):
        run_pending(app)


def test_a_batch_whose_job_died_ends_failed_and_its_committed_rows_can_be_undone(crm_app, crm_api, crm_clock,
                                                                                  monkeypatch):
    from core.importexport import service

    monkeypatch.setattr(service, "CHUNK", 10)
    lease = crm_app.extensions["plugcrm"].settings.job_lease_seconds
    dying_on_chunk(monkeypatch, 3)  # attempt 1 commits two chunks, then dies
    batch = upload(crm_api, "accounts", xlsx_bytes(rows(45)), "crash.xlsx", **{"async": "1"}).json
    run_crashing(crm_app)
    stuck = crm_api.get(f"/api/v1/imports/{batch['id']}").json
    assert (stuck["status"], stuck["done"], stuck["created"]) == ("running", 20, 20)
    assert crm_api.post(f"/api/v1/imports/{batch['id']}/undo").status_code == 409  # still owned by its job

    for _attempt in (2, 3):  # each attempt resumes after the last committed chunk, then dies again
        crm_clock.advance(seconds=lease + 1)
        dying_on_chunk(monkeypatch, 2)
        run_crashing(crm_app)
    crm_clock.advance(seconds=lease + 1)
    from core.jobs.worker import run_pending
    run_pending(crm_app)  # the job is out of attempts: it goes dead without running

    failed = crm_api.get(f"/api/v1/imports/{batch['id']}").json
    assert (failed["status"], failed["done"], failed["created"]) == ("failed", 40, 40)
    assert "40" in failed["message"]
    names = sorted(a["name"] for a in accounts(crm_api))
    assert names == [f"복구{i:04d}" for i in range(40)]  # each committed row once, none of them twice
    undone = crm_api.post(f"/api/v1/imports/{batch['id']}/undo")
    assert undone.status_code == 200 and undone.json["removed"] == 40
    assert accounts(crm_api) == []


def test_a_runner_that_lost_its_lease_stops_before_writing(crm_app, crm_api, monkeypatch):
    from core.db import session
    from core.importexport import service
    from core.jobs import Job

    monkeypatch.setattr(service, "CHUNK", 10)
    original, calls = service.Importer.process, []

    def taken_over_after_one_chunk(self, raw_rows):
        calls.append(1)
        if len(calls) == 2:  # meanwhile a worker decided this request was dead and claimed the job
            with crm_app.extensions["plugcrm"].engine.begin() as conn:
                conn.execute(sa.update(Job).where(Job.id == self.lease.job_id).values(locked_by="worker@elsewhere"))
        return original(self, raw_rows)

    monkeypatch.setattr(service.Importer, "process", taken_over_after_one_chunk)
    response = upload(crm_api, "accounts", xlsx_bytes(rows(25)), "small.xlsx")
    assert response.status_code == 202, response.json  # handed over, not finished here
    batch = crm_api.get(f"/api/v1/imports/{response.json['id']}").json
    assert (batch["status"], batch["done"], batch["created"]) == ("running", 10, 10)
    assert len(accounts(crm_api)) == 10
    with crm_app.app_context():
        assert session().get(Job, batch["job_id"]).locked_by == "worker@elsewhere"


def test_stored_uploads_no_import_needs_are_swept(crm_app, crm_api):
    from core.db import session
    from core.importexport import runs
    from core.importexport.models import QUEUED, ImportBatch

    with crm_app.app_context():
        folder = runs.upload_dir()
        old = time.time() - runs.ORPHAN_AGE_SECONDS - 60
        orphan, fresh, needed = folder / "orphan.xlsx", folder / "uploading.xlsx", folder / "queued.xlsx"
        for path in (orphan, fresh, needed):
            path.write_bytes(b"x")
        os.utime(orphan, (old, old))
        os.utime(needed, (old, old))
        session().add(ImportBatch(entity="accounts", status=QUEUED, file_name="q.xlsx", file_path=str(needed)))
        session().commit()
    response = upload(crm_api, "accounts", xlsx_bytes(rows(3)), "next.xlsx")
    assert response.status_code == 201, response.json
    assert not orphan.exists()  # a killed upload's file: no batch row
    assert fresh.exists() and needed.exists()  # maybe still being written; a queued import's file
    with crm_app.app_context():
        leftovers = {p.name for p in runs.upload_dir().iterdir() if p.is_file()}
    assert leftovers == {"uploading.xlsx", "queued.xlsx"}  # the finished import removed its own file


def test_an_unknown_export_field_is_answered_with_the_valid_names_in_the_users_language(crm_api):
    response = crm_api.get("/api/v1/exports/accounts?fields=name,nope", headers={"Accept-Language": "ko"})
    assert response.status_code == 400
    reason = response.json["error"]["fields"]["fields"]
    assert reason.startswith("알 수 없는 필드 nope. 다음 중 하나를 쓰세요: ")
    assert "business_number" in reason and "name" in reason and "nope," not in reason


def test_a_worker_finishing_an_import_marks_its_job_done_itself(crm_app, crm_api, caplog):
    from core.db import session
    from core.jobs import Job
    from core.jobs.worker import run_pending

    batch = upload(crm_api, "accounts", xlsx_bytes(rows(5)), "five.xlsx", **{"async": "1"}).json
    with caplog.at_level("INFO", logger="plugcrm.jobs"):
        assert run_pending(crm_app) == 1
    assert f"job {batch['job_id']} (core.import) done" in caplog.text and "lease lost" not in caplog.text
    with crm_app.app_context():
        assert session().get(Job, batch["job_id"]).status == "done"
    assert crm_api.get(f"/api/v1/imports/{batch['id']}").json["status"] == "done"


def test_an_import_keeps_the_planner_statistics_of_the_table_it_fills(crm_app, crm_api, monkeypatch):
    """PostgreSQL (autovacuum may be off): the table is analyzed once the import has added 1,000 rows."""
    from core.importexport import service
    from core.testing import is_postgres

    monkeypatch.setattr(service, "CHUNK", 500)
    response = upload(crm_api, "accounts", xlsx_bytes(rows(1500)), "statistics.xlsx")
    assert response.status_code == 201 and response.json["created"] == 1500
    if not is_postgres():
        return  # SQLite plans these lookups by its indexes alone
    engine = crm_app.extensions["plugcrm"].engine
    with engine.connect() as conn:
        estimated = conn.execute(sa.text("SELECT reltuples FROM pg_class WHERE oid = 'customers_accounts'::regclass"))
        assert estimated.scalar() >= 1000  # -1 (never analyzed) without the importer's ANALYZE
