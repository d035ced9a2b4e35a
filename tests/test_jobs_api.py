"""``/api/v1/jobs``: administrators see the queue and retry dead jobs; nobody else gets in."""
from __future__ import annotations

import pytest

from core.db import session
from core.jobs import enqueue
from core.jobs.worker import run_pending
from hooks import hookimpl


class Handlers:
    @hookimpl
    def crm_job_handlers(self):
        def broken(payload, ctx):
            if not payload.get("fixed"):
                raise RuntimeError("SMS gateway: 인증 실패")

        def leaky(payload, ctx):
            raise RuntimeError(f"gateway refused {payload}")  # a careless handler quoting its payload

        return {"test.ok": lambda payload, ctx: None, "test.broken": broken, "test.leaky": leaky}


@pytest.fixture
def queue(crm_team, crm_clock):
    app = crm_team["app"]
    app.extensions["plugcrm"].plugins.pm.register(Handlers(), name="job_api_handlers")
    with app.app_context():
        ids = {"ok": enqueue("test.ok", {}), "dead": enqueue("test.broken", {}, max_attempts=1),
               "later": enqueue("test.ok", {"n": 1}, run_at=crm_clock.now().replace(year=2027))}
        session().commit()
    run_pending(app)
    crm_team["ids"] = ids
    return crm_team


def test_admin_lists_jobs_with_status_filter_and_counts(queue):
    admin, ids = queue["admin"], queue["ids"]
    listed = admin.get("/api/v1/jobs").json
    assert [j["id"] for j in listed["data"]] == sorted(ids.values(), reverse=True)
    assert listed["meta"]["counts"] == {"queued": 1, "running": 0, "done": 1, "failed": 0, "dead": 1}
    dead = admin.get("/api/v1/jobs?status=dead").json["data"]
    assert [j["id"] for j in dead] == [ids["dead"]]
    assert "인증 실패" in dead[0]["last_error"]
    assert "payload" not in dead[0]
    assert len(admin.get("/api/v1/jobs?status=queued,done").json["data"]) == 2
    assert [j["id"] for j in admin.get("/api/v1/jobs?type=test.broken").json["data"]] == [ids["dead"]]
    detail = admin.get(f"/api/v1/jobs/{ids['later']}").json
    assert detail["payload"] == {"n": 1} and detail["run_at"].startswith("2027-")


def test_payload_secrets_are_masked_in_the_api_and_the_stored_error(queue):
    from core.jobs import Job

    admin, app = queue["admin"], queue["app"]
    payload = {"to": "010-1234-5678", "api_key": "key-4711", "auth": [{"Password": "pw-hunter2"}]}
    with app.app_context():
        job_id = enqueue("test.leaky", payload, max_attempts=1)
        session().commit()
    run_pending(app)
    detail = admin.get(f"/api/v1/jobs/{job_id}").json
    assert detail["status"] == "dead"
    assert detail["payload"] == {"to": "010-1234-5678", "api_key": "***", "auth": [{"Password": "***"}]}
    assert "gateway refused" in detail["last_error"] and "***" in detail["last_error"]
    listed = admin.get("/api/v1/jobs?type=test.leaky").json
    with app.app_context():
        stored = session().get(Job, job_id)
        assert stored.payload == payload  # the worker still has what it needs
        assert "key-4711" not in stored.last_error and "pw-hunter2" not in stored.last_error
    for shown in (str(detail), str(listed)):
        assert "key-4711" not in shown and "pw-hunter2" not in shown


@pytest.mark.parametrize("query", ["status=lost", "page=0", "per_page=1000", "page=x"])
def test_bad_list_parameters_are_400(queue, query):
    response = queue["admin"].get(f"/api/v1/jobs?{query}")
    assert response.status_code == 400 and response.json["error"]["fields"]


def test_retry_brings_a_dead_job_back_and_it_can_succeed(queue):
    from core.jobs import Job

    admin, ids, app = queue["admin"], queue["ids"], queue["app"]
    with app.app_context():
        job = session().get(Job, ids["dead"])
        job.payload = {"fixed": True}
        session().commit()
    retried = admin.post(f"/api/v1/jobs/{ids['dead']}/retry")
    assert retried.status_code == 200
    assert (retried.json["status"], retried.json["attempts"]) == ("queued", 0)
    assert run_pending(app) == 1
    done = admin.get(f"/api/v1/jobs/{ids['dead']}").json
    assert (done["status"], done["attempts"], done["last_error"]) == ("done", 1, None)


def test_only_dead_jobs_can_be_retried(queue):
    for name in ("ok", "later"):
        response = queue["admin"].post(f"/api/v1/jobs/{queue['ids'][name]}/retry")
        assert response.status_code == 409
    assert queue["admin"].post("/api/v1/jobs/999999/retry").status_code == 404
    assert queue["admin"].get("/api/v1/jobs/999999").status_code == 404


@pytest.mark.parametrize("who", ["rep", "manager", "nobody"])
def test_non_admins_are_refused(queue, who):
    user, dead = queue[who], queue["ids"]["dead"]
    assert user.get("/api/v1/jobs").status_code == 403
    assert user.get(f"/api/v1/jobs/{dead}").status_code == 403
    assert user.post(f"/api/v1/jobs/{dead}/retry").status_code == 403
    assert queue["admin"].get(f"/api/v1/jobs/{dead}").json["status"] == "dead"


def test_anonymous_is_401(queue):
    assert queue["app"].test_client().get("/api/v1/jobs").status_code == 401
