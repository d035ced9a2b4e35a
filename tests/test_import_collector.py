"""An import collects garbage once per chunk and leaves the collector as it found it."""
from __future__ import annotations

import gc

from core.importexport.collector import ChunkedCollection
from test_importexport_support import HEADERS, brn, upload, xlsx_bytes


def test_an_import_of_several_chunks_restores_the_collector(crm_api, monkeypatch):
    from core.importexport import service

    monkeypatch.setattr(service, "CHUNK", 2)
    rows = [HEADERS] + [[f"해동상사{i}", brn(i), "VIP", "02-123-4567", None] for i in range(5)]
    response = upload(crm_api, "accounts", xlsx_bytes(rows), "accounts.xlsx")
    assert response.status_code == 201 and response.json["created"] == 5, response.json
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_chunks_run_without_automatic_collection_and_survivors_are_frozen_until_release():
    collection = ChunkedCollection()
    try:
        with collection.paused():
            assert not gc.isenabled()
            kept = [[i] for i in range(100)]
        assert gc.isenabled() and gc.get_freeze_count() > 0 and not any(o is kept for o in gc.get_objects())
    finally:
        collection.release()
    assert gc.get_freeze_count() == 0 and any(o is kept for o in gc.get_objects())


def test_a_heap_frozen_by_someone_else_and_a_disabled_collector_stay_so():
    gc.freeze()
    gc.disable()
    try:
        collection = ChunkedCollection()
        with collection.paused():
            pass
        collection.release()
        assert gc.get_freeze_count() > 0 and not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
