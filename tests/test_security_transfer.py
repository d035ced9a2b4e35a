"""Ownership transfer: every moved record is announced like an owner change (``record_updated``) with one
audit entry; a large transfer runs as the ``core.transfer`` job (202) that a retry never repeats; bad input
changes nothing."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core import signals
from core.db import session
from core.jobs import DEAD, DONE, FAILED, Job
from core.jobs.worker import run_pending
from core import transfer
from core.testing import ApiClient, crashing_on_call, make_user

INLINE_MAX = 4


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=["customers"], extra={"transfer_inline_max": INLINE_MAX})


@pytest.fixture
def people(app) -> dict:
    """``{who: (user_id, ApiClient)}`` for an administrator, the one leaving and the heir."""
    out = {}
    for who, kw in {"admin": dict(admin=True), "leaving": dict(role="sales"), "heir": dict(role="sales")}.items():
        user_id, token = make_user(app, f"{who}@example.com", **kw)
        out[who] = (user_id, ApiClient(app.test_client(), token))
    return out


@pytest.fixture
def announced():
    """``record_updated`` as receivers get it, with the owner the receiver reads in the sender's transaction."""
    seen = []

    def receiver(sender, entity, record, old, changes, user, session, **_kw):
        stored = session.scalar(sa.select(entity.table.c.owner_id).where(entity.table.c.id == record["id"]))
        seen.append({"entity": sender, "id": record["id"], "old_owner": old["owner_id"], "owner": record["owner_id"],
                     "changes": set(changes), "versions": (old["version"], record["version"]), "by": user.id,
                     "stored_owner": stored})

    signals.record_updated.connect(receiver)
    yield seen
    signals.record_updated.disconnect(receiver)


def accounts_of(client: ApiClient, count: int) -> list[int]:
    return [client.post("/api/v1/accounts", json={"name": f"인계상사{i}"}).json["id"] for i in range(count)]


def transfer_url(people) -> str:
    return f"/api/v1/users/{people['leaving'][0]}/transfer"


def owners(app, ids: list[int]) -> set[int]:
    from core.runtime import runtime

    with app.app_context():
        table = runtime().registry.get("accounts").table
        return set(session().scalars(sa.select(table.c.owner_id).where(table.c.id.in_(ids))))


def transfer_audit(admin: ApiClient) -> list[tuple[str, int]]:
    entries = admin.get("/api/v1/audit?action=transfer&per_page=100").json["data"]
    return sorted((e["entity"], e["record_id"]) for e in entries)


def test_each_moved_record_is_announced_once_with_its_old_and_new_owner(people, announced, monkeypatch):
    monkeypatch.setattr(transfer, "CHUNK", 2)  # several chunks
    (leaving_id, leaving), (heir_id, _heir), (admin_id, admin) = people["leaving"], people["heir"], people["admin"]
    ids = accounts_of(leaving, 2)
    binned = ids[1]
    leaving.delete(f"/api/v1/accounts/{binned}")
    contact = leaving.post("/api/v1/contacts", json={"name": "김철수", "account_id": ids[0]}).json["id"]
    third = leaving.post("/api/v1/accounts", json={"name": "세번째상사"}).json["id"]
    announced.clear()

    moved = admin.post(transfer_url(people), json={"to_user_id": heir_id})

    assert moved.status_code == 200 and moved.json["total"] == 4
    assert {k: n for k, n in moved.json["data"].items() if n} == {"accounts": 3, "contacts": 1}
    # the record in the recycle bin moves too (restored, it is the heir's) but is not announced
    assert sorted((a["entity"], a["id"]) for a in announced) == sorted(
        [("accounts", ids[0]), ("accounts", third), ("contacts", contact)])
    assert owners(admin.client.application, [binned]) == {heir_id}
    for event in announced:
        assert (event["old_owner"], event["owner"], event["stored_owner"]) == (leaving_id, heir_id, heir_id)
        assert event["changes"] == {"owner_id"} and event["by"] == admin_id
        assert event["versions"][1] == event["versions"][0] + 1
    assert transfer_audit(admin) == sorted([("accounts", ids[0]), ("accounts", binned), ("accounts", third),
                                            ("contacts", contact)])
    assert admin.get("/api/v1/audit?action=update").json["meta"]["total"] == 0  # no second entry per record
    history = admin.get(f"/api/v1/accounts/{third}/history").json["data"]
    assert history[-1]["action"] == "transfer" and history[-1]["changes"] == {"owner_id": [leaving_id, heir_id]}


def test_bad_input_is_a_422_that_moves_announces_and_queues_nothing(app, people, announced):
    (leaving_id, leaving), (heir_id, heir), (_aid, admin) = people["leaving"], people["heir"], people["admin"]
    ids = accounts_of(leaving, INLINE_MAX + 1)  # valid, this would be a job
    retired_id, _token = make_user(app, "retired@example.com", role="sales")
    admin.delete(f"/api/v1/users/{retired_id}")
    announced.clear()
    for bad in ({"to_user_id": 99999}, {"to_user_id": leaving_id}, {"to_user_id": retired_id}, {},
                {"to_user_id": str(heir_id)}, {"to_user_id": heir_id, "entities": ["nothing"]}):
        answer = admin.post(transfer_url(people), json=bad)
        assert answer.status_code == 422, bad
        assert set(answer.json["error"]["fields"]) <= {"to_user_id", "entities"}
    small = admin.post(transfer_url(people), json={"to_user_id": retired_id, "entities": ["contacts"]})
    assert small.status_code == 422
    assert announced == [] and owners(app, ids) == {leaving_id} and transfer_audit(admin) == []
    assert admin.get("/api/v1/jobs?type=core.transfer").json["data"] == []
    assert heir.post(transfer_url(people), json={"to_user_id": heir_id}).status_code == 403


def test_a_large_transfer_answers_202_and_the_job_moves_and_announces_every_record(app, people, announced):
    (leaving_id, leaving), (heir_id, _heir), (_aid, admin) = people["leaving"], people["heir"], people["admin"]
    ids = accounts_of(leaving, INLINE_MAX + 2)
    announced.clear()

    started = admin.post(transfer_url(people), json={"to_user_id": heir_id})

    assert started.status_code == 202, started.json
    job = started.json["job"]
    assert (job["type"], job["status"], started.json["total"], started.json["data"]["accounts"]) == (
        "core.transfer", "queued", 6, 6)
    assert owners(app, ids) == {leaving_id} and announced == []  # nothing moved within the request
    again = admin.post(transfer_url(people), json={"to_user_id": heir_id})
    assert again.status_code == 409 and str(job["id"]) in again.json["error"]["message"]

    assert run_pending(app) == 1

    polled = admin.get(f"/api/v1/jobs/{job['id']}").json
    assert polled["status"] == DONE and polled["progress"] == {"done": 6, "total": 6}
    assert owners(app, ids) == {heir_id}
    assert sorted(a["id"] for a in announced) == sorted(ids)
    assert all(a["changes"] == {"owner_id"} and a["old_owner"] == leaving_id for a in announced)
    assert transfer_audit(admin) == sorted(("accounts", i) for i in ids)


def test_a_retried_job_moves_and_announces_nothing_twice(app, people, announced, monkeypatch, crm_clock):
    monkeypatch.setattr(transfer, "CHUNK", 2)
    (leaving_id, leaving), (heir_id, _heir), (_aid, admin) = people["leaving"], people["heir"], people["admin"]
    ids = accounts_of(leaving, 5)
    announced.clear()
    job_id = admin.post(transfer_url(people), json={"to_user_id": heir_id}).json["job"]["id"]
    real_move = transfer.move_chunk
    monkeypatch.setattr(transfer, "move_chunk", crashing_on_call(real_move, 2))  # on the second chunk
    run_pending(app)
    first = admin.get(f"/api/v1/jobs/{job_id}").json
    assert first["status"] == FAILED and "the worker went away" in first["last_error"]
    assert owners(app, ids[:2]) == {heir_id} and owners(app, ids[2:]) == {leaving_id}  # the first chunk stays
    assert sorted(a["id"] for a in announced) == ids[:2]

    monkeypatch.setattr(transfer, "move_chunk", real_move)
    crm_clock.advance(minutes=5)
    assert run_pending(app) == 1

    done = admin.get(f"/api/v1/jobs/{job_id}").json
    assert done["status"] == DONE and done["progress"] == {"done": 5, "total": 5}
    assert owners(app, ids) == {heir_id}
    assert sorted(a["id"] for a in announced) == ids  # each record once
    assert transfer_audit(admin) == [("accounts", i) for i in ids]


def test_a_job_whose_target_left_meanwhile_ends_dead_and_moves_nothing(app, people, announced):
    (leaving_id, leaving), (heir_id, _heir), (_aid, admin) = people["leaving"], people["heir"], people["admin"]
    ids = accounts_of(leaving, INLINE_MAX + 1)
    job_id = admin.post(transfer_url(people), json={"to_user_id": heir_id}).json["job"]["id"]
    admin.delete(f"/api/v1/users/{heir_id}")
    announced.clear()

    run_pending(app)

    job = admin.get(f"/api/v1/jobs/{job_id}").json
    assert job["status"] == DEAD and job["attempts"] == 1 and "to_user_id" in job["last_error"]
    assert owners(app, ids) == {leaving_id} and announced == [] and transfer_audit(admin) == []


def test_the_users_page_follows_a_large_hand_over_to_its_result(crm_app_factory):
    from tests.browser.support import create, logged_in, ui_app

    app = ui_app(crm_app_factory, extra={"transfer_inline_max": 1})
    make_user(app, "admin@example.com", admin=True, name="관리자")
    leaving_id, _token = make_user(app, "leaving@example.com", role="sales", name="퇴사자")
    heir_id, _token = make_user(app, "heir@example.com", role="sales", name="후임")
    for name in ("하나", "둘", "셋"):
        create(app, "gadgets", {"name": name}, "leaving@example.com")
    browser = logged_in(app, "admin@example.com")

    started = browser.post("/admin/users/transfer", {"from_user_id": str(leaving_id), "to_user_id": str(heir_id)})
    assert started.status_code == 302 and re.search(r"transfer_job=\d+", started.headers["Location"])
    page = browser.get(started.headers["Location"]).text
    assert "레코드 3건을 백그라운드에서 넘기고 있습니다." in page
    assert 'id="transfer-progress"' in page and "data-poll=" in page and "3건 중 0건" in page

    run_pending(app)
    finished = browser.get(started.headers["Location"]).text
    assert "data-poll=" not in finished and "3건 중 3건" in finished and ">완료<" in finished
    with app.app_context():
        assert session().scalars(sa.select(Job.status)).all() == [DONE]
