"""Handing a user's records to a colleague fires "owner changed" workflows once per record: within the
request, and in the ``core.transfer`` job even when it is retried half-way."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from core.audit import AuditEntry
from core.db import session
from core.jobs import DONE, Job
from core.jobs.worker import run_pending
from core import transfer
from core.testing import ApiClient, crashing_on_call, make_user
from plugins.workflows.tests.conftest import PLUGINS, runs_of, workflow

INLINE_MAX = 3
OWNER_CHANGED = dict(
    name="새 담당자", trigger={"type": "modify"}, conditions={"all": [{"field": "owner_id", "op": "has_changed"}]},
    tasks=[{"type": "update_fields", "fields": [{"field": "description", "value": "담당자 변경"}]},
           {"type": "send_email", "recipients": {"owner": True}, "subject": "{{ record.name }} 인계",
            "body": "{{ owner.name }}님이 새 담당자입니다."}])


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS, extra={"transfer_inline_max": INLINE_MAX})


@pytest.fixture
def leaving(app) -> tuple[int, ApiClient]:
    user_id, token = make_user(app, "leaving@example.com", role="sales", name="퇴사자")
    return user_id, ApiClient(app.test_client(), token)


@pytest.fixture
def heir_id(app) -> int:
    return make_user(app, "heir@example.com", role="sales", name="후임")[0]


def accounts_of(client: ApiClient, count: int) -> list[int]:
    return [client.post("/api/v1/accounts", json={"name": f"인계상사{i}"}).json["id"] for i in range(count)]


def assert_fired_once_per_record(app, api, ids: list[int], leaving_id: int, heir_id: int) -> None:
    """One matched run, one field update (in the transfer's own write), one email, one audit entry per record."""
    for record_id in ids:
        assert [(r["event"], r["matched"]) for r in runs_of(api, record_id)] == [("update", True)], record_id
        record = api.get(f"/api/v1/accounts/{record_id}").json
        assert (record["owner_id"], record["description"], record["version"]) == (heir_id, "담당자 변경", 2)
    with app.app_context():
        emails = session().scalars(sa.select(Job.payload).where(Job.type == "core.email")).all()
        audit = session().execute(sa.select(AuditEntry.record_id, AuditEntry.action, AuditEntry.changes)
                                  .where(AuditEntry.action != "create")).all()
    assert sorted(e["subject"] for e in emails) == sorted(f"인계상사{i} 인계" for i in range(len(ids)))
    assert all(e["to"] == ["heir@example.com"] for e in emails)
    assert sorted(a.record_id for a in audit) == sorted(ids) and {a.action for a in audit} == {"transfer"}
    assert all(json.loads(a.changes) == {"owner_id": [leaving_id, heir_id], "description": [None, "담당자 변경"]}
               for a in audit)


def test_a_transfer_within_the_request_fires_the_workflow_once_per_record(app, api, leaving, heir_id,
                                                                           monkeypatch):
    monkeypatch.setattr(transfer, "CHUNK", 2)
    workflow(api, **OWNER_CHANGED)
    leaving_id, client = leaving
    ids = accounts_of(client, INLINE_MAX)

    moved = api.post(f"/api/v1/users/{leaving_id}/transfer", json={"to_user_id": heir_id})

    assert moved.status_code == 200 and moved.json["data"]["accounts"] == INLINE_MAX
    assert_fired_once_per_record(app, api, ids, leaving_id, heir_id)


def test_a_retried_transfer_job_fires_the_workflow_once_per_record(app, api, leaving, heir_id, monkeypatch,
                                                                    crm_clock):
    monkeypatch.setattr(transfer, "CHUNK", 2)
    workflow(api, **OWNER_CHANGED)
    leaving_id, client = leaving
    ids = accounts_of(client, INLINE_MAX + 2)
    started = api.post(f"/api/v1/users/{leaving_id}/transfer", json={"to_user_id": heir_id})
    assert started.status_code == 202
    real_move = transfer.move_chunk
    monkeypatch.setattr(transfer, "move_chunk", crashing_on_call(real_move, 2))  # on the second chunk
    run_pending(app)
    assert [len(runs_of(api, i)) for i in ids] == [1, 1, 0, 0, 0]  # the first chunk was committed
    monkeypatch.setattr(transfer, "move_chunk", real_move)
    crm_clock.advance(minutes=5)
    run_pending(app)

    assert api.get(f"/api/v1/jobs/{started.json['job']['id']}").json["status"] == DONE
    assert_fired_once_per_record(app, api, ids, leaving_id, heir_id)


def test_a_record_in_the_recycle_bin_changes_hands_without_firing_the_workflow(app, api, leaving, heir_id):
    workflow(api, **OWNER_CHANGED)
    leaving_id, client = leaving
    live, binned = accounts_of(client, 2)
    assert client.delete(f"/api/v1/accounts/{binned}").status_code == 204

    moved = api.post(f"/api/v1/users/{leaving_id}/transfer", json={"to_user_id": heir_id})

    assert moved.status_code == 200 and moved.json["data"]["accounts"] == 2
    assert len(runs_of(api, live)) == 1
    with app.app_context():
        subjects = session().scalars(sa.select(Job.payload).where(Job.type == "core.email")).all()
    assert [p["subject"] for p in subjects] == ["인계상사0 인계"]
    restored = api.post(f"/api/v1/accounts/{binned}/restore").json
    assert restored["owner_id"] == heir_id
