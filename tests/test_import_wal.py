"""SQLite: an import folds the write-ahead log in once, not after every chunk, and leaves every pooled
connection with SQLite's own auto-checkpoint (core.db.defer_wal_checkpoints)."""
from __future__ import annotations

import pytest

from test_importexport_support import accounts, upload, xlsx_bytes


def pooled_settings(engine) -> list[int]:
    """``wal_autocheckpoint`` of each connection the pool holds now."""
    raws = [engine.raw_connection() for _ in range(engine.pool.checkedin() or 1)]
    try:
        return [raw.driver_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] for raw in raws]
    finally:
        for raw in raws:
            raw.close()


def test_an_import_defers_checkpoints_per_chunk_and_restores_the_connection(crm_app, crm_api, monkeypatch):
    from core import db
    from core.importexport import service

    engine = crm_app.extensions["plugcrm"].engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    before = set(pooled_settings(engine))
    monkeypatch.setattr(service, "CHUNK", 10)
    seen, checkpoints = [], []
    original_defer, original_checkpoint = db.defer_wal_checkpoints, db.checkpoint_wal

    def defer(sess):
        original_defer(sess)
        seen.append(sess.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar())

    def checkpoint(engine):
        checkpoints.append(1)
        original_checkpoint(engine)

    monkeypatch.setattr(service, "defer_wal_checkpoints", defer)
    monkeypatch.setattr("core.importexport.runs.checkpoint_wal", checkpoint)
    rows = [["Account name", "Phone"]] + [[f"로그{i:03d}", f"02-555-{i:04d}"] for i in range(35)]
    result = upload(crm_api, "accounts", xlsx_bytes(rows), "wal.xlsx")
    assert result.status_code in (200, 201), result.json
    assert len(accounts(crm_api)) == 35
    assert seen == [db.BULK_WAL_AUTOCHECKPOINT] * 4  # every chunk's transaction, 10 + 10 + 10 + 5 rows
    assert checkpoints == [1]  # once, at the end
    assert set(pooled_settings(engine)) == before  # the pool's connections are as they were
