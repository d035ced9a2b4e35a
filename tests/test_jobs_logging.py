"""Job events are logged one line each (claimed, done, retry, dead) with id, type and error, never payload secrets."""
from __future__ import annotations

import io
import logging
import re

import pytest

from core.db import session
from core.jobs import enqueue
from core.jobs.runner import retry_delay
from core.jobs.worker import run_pending
from core.log_setup import configure_logging
from core.testing_instance import CliInstance, free_port
from hooks import hookimpl

SECRETS = {"password": "hunter2-pw", "token": "tok-4711", "api_key": "key-xyz-99"}
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO|WARNING|ERROR) plugcrm\.jobs: job \d+ .*$")


class Refused(Exception):
    pass


def leaky(payload, ctx):
    raise Refused(f"gateway refused {payload}")  # a careless handler quoting its whole payload


def fine(payload, ctx):
    pass


class LogProbe:
    @hookimpl
    def crm_job_handlers(self):
        return {"test.leaky": leaky, "test.fine": fine}


@pytest.fixture
def app(crm_app_factory, crm_clock):
    app = crm_app_factory()
    app.extensions["plugcrm"].plugins.pm.register(LogProbe(), name="log_probe")
    return app


def add(app, job_type, payload, **kwargs) -> int:
    with app.app_context():
        job_id = enqueue(job_type, payload, **kwargs)
        session().commit()
        return job_id


def messages(caplog, level) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "plugcrm.jobs" and r.levelno == level]


def test_a_failing_job_logs_its_retry_and_its_death_without_payload_secrets(app, caplog, crm_clock):
    caplog.set_level(logging.DEBUG)
    job_id = add(app, "test.leaky", {"to": "kim@example.com", "nested": [{"Api-Key": "nested-key-1"}], **SECRETS},
                 max_attempts=2)
    run_pending(app)
    crm_clock.advance(retry_delay(1))
    run_pending(app)
    [retry] = messages(caplog, logging.WARNING)
    assert retry.startswith(f"job {job_id} (test.leaky) attempt 1/2 failed, retry in 10 s: Refused: gateway refused")
    [dead] = messages(caplog, logging.ERROR)
    assert dead.startswith(f"job {job_id} (test.leaky) dead after attempt 2/2: Refused: gateway refused")
    assert "kim@example.com" in dead and "***" in dead
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in [*SECRETS.values(), "nested-key-1"]:
        assert secret not in logged
    claims = [re.sub(r" by \S+,", ",", m) for m in messages(caplog, logging.INFO) if "claimed" in m]
    assert claims == [f"job {job_id} (test.leaky) claimed, attempt 1/2", f"job {job_id} (test.leaky) claimed, attempt 2/2"]


def test_a_job_that_succeeds_logs_claimed_and_done(app, caplog):
    caplog.set_level(logging.INFO, logger="plugcrm.jobs")
    job_id = add(app, "test.fine", {"token": "tok-4711"})
    run_pending(app)
    assert [m.split(" by ")[0] for m in messages(caplog, logging.INFO)] == [
        f"job {job_id} (test.fine) claimed", f"job {job_id} (test.fine) done"]


@pytest.fixture
def restore_root_logger():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_configure_logging_writes_one_utc_line_per_event_at_the_chosen_level(restore_root_logger):
    out = io.StringIO()
    configure_logging("warning", stream=out)
    configure_logging("warning", stream=out)  # calling again replaces the handler: no doubled lines
    log = logging.getLogger("plugcrm.jobs")
    log.info("job 1 (core.email) claimed")
    log.warning("job 1 (core.email) attempt 1/5 failed, retry in 10 s: OSError: refused")
    [line] = out.getvalue().splitlines()
    assert LINE.match(line) and line.endswith("retry in 10 s: OSError: refused")
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging("chatty")


def test_plugcrm_worker_logs_retries_and_dead_jobs_on_stderr(tmp_path):
    from core.app import create_app
    from core.config import load_settings
    from core.mail import enqueue_email

    inst = CliInstance(tmp_path / "instance", db_suffix="worker_log")
    inst.run("init", "--admin-email", "boss@example.com", "--admin-password", "boss-pass-1")
    with open(inst.path / "config.toml", "a", encoding="utf-8") as config:
        config.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\n')  # nothing listens there
    app = create_app(load_settings(inst.path, database_url=inst.env.get("DATABASE_URL", "")))
    with app.app_context():
        email_id = enqueue_email(["kim@example.com"], "견적서", "본문")
        orphan_id = enqueue("nobody.handles_this", SECRETS)
        session().commit()
    app.extensions["plugcrm"].engine.dispose()
    inst.env["PLUGCRM_LOG_LEVEL"] = "info"
    result = inst.run("worker", "--exit-when-idle")
    lines = [line for line in result.stderr.splitlines() if "plugcrm.jobs" in line]
    assert all(LINE.match(line) for line in lines), result.stderr
    assert any(f"WARNING plugcrm.jobs: job {email_id} (core.email) attempt 1/5 failed, retry in 10 s: "
               "ConnectionRefusedError" in line for line in lines), result.stderr
    assert any(f"ERROR plugcrm.jobs: job {orphan_id} (nobody.handles_this) dead after attempt 1/5: "
               "PermanentJobError: no handler" in line for line in lines), result.stderr
    assert not [s for s in SECRETS.values() if s in result.stderr + result.stdout]
    inst.env["PLUGCRM_LOG_LEVEL"] = "loud"
    refused = inst.run("worker", "--exit-when-idle", check=False)
    assert refused.returncode == 1 and "unknown log level 'loud'" in refused.stderr
