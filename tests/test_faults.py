"""Fault injection with real processes: a worker killed mid-send, database backends terminated mid-job,
a hanging SMTP server while ``plugcrm serve`` keeps answering.  Each checks the end state row by row."""
from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from core.db import session
from core.jobs import DONE, Job
from core.mail import enqueue_email
from core.testing import TEST_DB_ENV, is_postgres
from core.testing_instance import CliInstance, HttpClient, log_of, start_worker, wait_until

pytestmark = pytest.mark.faults
LEASE_SECONDS = 3  # the tests' lease; the default is 60 s (retried "within about a minute")
SUBJECTS = ["견적 안내 1", "报价通知 2", "Quote 3"]


@pytest.fixture
def worker_env(tmp_path, crm_database_url, smtp_server):
    """``plugcrm worker`` on the test database with a short lease, sending to the loopback SMTP server."""
    instance = tmp_path / "worker_instance"
    instance.mkdir()
    (instance / "config.toml").write_text(
        f'job_lease_seconds = {LEASE_SECONDS}\n[smtp]\nhost = "{smtp_server.host}"\nport = {smtp_server.port}\n'
        'security = "none"\nfrom_address = "crm@example.com"\n', encoding="utf-8")
    return dict(os.environ, DATABASE_URL=crm_database_url, PLUGCRM_INSTANCE=str(instance),
                PLUGCRM_SECRET_KEY="fault-tests", PLUGCRM_PLUGINS="customers", PYTHONUNBUFFERED="1")


def enqueue_emails(app) -> list[int]:
    with app.app_context():
        ids = [enqueue_email([f"buyer{i}@example.com"], subject, f"본문 {i}") for i, subject in enumerate(SUBJECTS)]
        session().commit()
    return ids


def jobs(app, ids) -> list[Job]:
    with app.app_context():
        return [session().get(Job, job_id) for job_id in ids]


def all_done(app, ids) -> bool:
    return all(job.status == DONE for job in jobs(app, ids))


def stopped(worker) -> None:
    if worker.poll() is None:
        worker.terminate()
        worker.wait(timeout=30)


def received(smtp_server) -> Counter:
    """How often each (subject, Message-ID) arrived."""
    return Counter((m["Subject"], m["Message-ID"]) for m in smtp_server.messages)


def test_a_worker_killed_mid_send_is_replaced_within_its_lease_and_resends_with_the_same_message_id(
        crm_app, worker_env, smtp_server):
    ids = enqueue_emails(crm_app)
    smtp_server.hold()  # the server keeps the first message and never answers its DATA
    first = start_worker(worker_env)
    try:
        smtp_server.wait_for(1)
        first.kill()  # SIGKILL: no clean-up, the job stays "running" with its send in doubt
        first.wait(timeout=30)
        killed_at = time.monotonic()
    finally:
        stopped(first)
    smtp_server.let_go()
    second = start_worker(worker_env)
    try:
        wait_until(lambda: all_done(crm_app, ids), timeout=60)
        recovered_in = time.monotonic() - killed_at
    finally:
        stopped(second)
    assert recovered_in < LEASE_SECONDS + 20, "re-claimed soon after the lease ran out"
    rows = jobs(crm_app, ids)
    assert [(j.status, j.attempts, j.sending_since, j.locked_by) for j in rows] == [
        (DONE, 2, None, None), (DONE, 1, None, None), (DONE, 1, None, None)]
    counts = received(smtp_server)
    assert sorted(counts.values()) == [1, 1, 2] and len(counts) == 3
    [(repeated_subject, message_id)] = [key for key, n in counts.items() if n == 2]
    assert repeated_subject == SUBJECTS[0], "only the email in flight went twice, with one Message-ID"
    assert message_id.startswith("<plugcrm.") and message_id.endswith("@example.com>")
    assert len({mid for _s, mid in counts}) == 3, "each job has its own Message-ID"
    assert "outcome is unknown; sending again with the same key" in log_of(second)


@pytest.mark.postgres_only
@pytest.mark.skipif(not is_postgres(), reason="pg_terminate_backend needs PostgreSQL")
def test_database_backends_terminated_mid_job_end_with_every_job_done_once(crm_app, worker_env, smtp_server):
    """The worker's connections die while it talks to the SMTP server: the ``done`` mark still commits,
    on a fresh connection (pre-ping), so nothing is sent twice."""
    ids = enqueue_emails(crm_app)
    smtp_server.hold()
    worker = start_worker(worker_env)
    admin = sa.create_engine(os.environ[TEST_DB_ENV].replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    try:
        smtp_server.wait_for(1)
        with admin.connect() as conn:
            terminated = conn.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        assert terminated >= 1
        smtp_server.let_go()
        wait_until(lambda: all_done(crm_app, ids), timeout=60)
    finally:
        smtp_server.let_go()
        stopped(worker)
        admin.dispose()
    rows = jobs(crm_app, ids)
    assert [(j.status, j.attempts, j.sending_since, j.last_error) for j in rows] == [(DONE, 1, None, None)] * 3
    counts = received(smtp_server)
    assert sorted(subject for subject, _mid in counts) == sorted(SUBJECTS) and set(counts.values()) == {1}


@pytest.fixture
def served_with_hanging_smtp(tmp_path, smtp_server):
    """``plugcrm serve`` (embedded worker) whose SMTP server hangs on the first message."""
    instance = CliInstance(tmp_path / "instance", db_suffix="faults")
    instance.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "boss-pass-1", "--language", "ko")
    with open(instance.path / "config.toml", "a", encoding="utf-8") as config:
        config.write(f'\n[smtp]\nhost = "{smtp_server.host}"\nport = {smtp_server.port}\nsecurity = "none"\n'
                     'from_address = "crm@example.com"\ntimeout = 60\n')
    token = instance.run("users", "token", "boss@example.co.kr").stdout.strip()
    smtp_server.hold()
    with instance.serve() as base_url:
        yield HttpClient(base_url, token)
    smtp_server.let_go()


def timed(call) -> tuple[float, object]:
    started = time.monotonic()
    answer = call()
    return time.monotonic() - started, answer


def test_requests_do_not_wait_for_a_hanging_smtp_server(served_with_hanging_smtp, smtp_server):
    """The embedded worker sends with no transaction open: lists, writes and a settings change stay fast."""
    api = served_with_hanging_smtp
    workflow = api.post("/api/v1/workflows/", {
        "name": "알림", "entity": "accounts", "trigger": {"type": "create"}, "conditions": {},
        "tasks": [{"type": "send_email", "recipients": {"addresses": ["team@example.com"]},
                   "subject": "[신규] {{ record.name }}", "body": "{{ record.name }}"}]})
    assert workflow.status_code == 201, workflow
    assert api.post("/api/v1/accounts", {"name": "해동통신"}).status_code == 201
    smtp_server.wait_for(1)  # the worker is inside the SMTP conversation now, and the server does not answer
    latencies: list[tuple[str, float, int]] = []
    errors: list = []

    def client(n: int) -> None:
        for i in range(15):
            if i % 3 == 2:
                took, answer = timed(lambda: api.post("/api/v1/contacts", {"name": f"담당자 {n}-{i}"}))
            else:
                took, answer = timed(lambda: api.get("/api/v1/accounts?per_page=20"))
            latencies.append((answer.status_code, took, n))
            if answer.status_code not in (200, 201):
                errors.append(answer)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    took, settings = timed(lambda: api.patch("/api/v1/mail/settings", {"timeout": 20}))
    assert settings.status_code == 200 and took < 2.0, "fixing the mail settings does not wait for the send"
    assert errors == []
    assert len(latencies) == 60
    slowest = max(t for _s, t, _n in latencies)
    assert slowest < 2.0, f"no request waited on the SMTP server (slowest {slowest:.2f} s)"
    assert len(smtp_server.messages) == 1, "still hanging: the send had not finished while the requests ran"
    jobs_now = api.get("/api/v1/jobs?type=core.email").json["data"]
    assert [(j["status"], j["attempts"]) for j in jobs_now] == [("running", 1)]
    assert jobs_now[0]["sending_since"] is not None
    smtp_server.let_go()
    wait_until(lambda: api.get("/api/v1/jobs?type=core.email").json["data"][0]["status"] == "done", timeout=60)
    assert len(smtp_server.messages) == 1
