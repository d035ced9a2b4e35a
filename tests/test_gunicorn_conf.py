"""The shipped gunicorn config: gunicorn, its access log, the app and ``plugcrm worker`` log in one format."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from core.app import create_app
from core.config import load_settings
from core.db import session
from core.mail import enqueue_email
from core.testing_instance import CliInstance, HttpClient, free_port, wait_until_serving

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")


def test_gunicorn_and_worker_log_lines_carry_a_utc_timestamp_and_a_level(tmp_path):
    instance = CliInstance(tmp_path / "instance", db_suffix="gunicorn")
    instance.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "boss-pass-1")
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w+", encoding="utf-8") as log:
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "python:core.gunicorn_conf", "-w", "1",
             "-b", f"127.0.0.1:{port}", "core.wsgi:app"], env=instance.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_serving(base_url, gunicorn, log)
            assert HttpClient(base_url).get("/api/v1/accounts").status_code == 401
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
    queue_an_email(instance)
    worker = instance.run("worker", "--exit-when-idle")
    lines = [line for line in log_path.read_text().splitlines() + worker.stderr.splitlines() if line.strip()]
    assert [line for line in lines if not LINE.match(line)] == []
    text = "\n".join(lines)
    assert re.search(r"Z INFO gunicorn\.error: Booting worker", text)
    assert re.search(r'Z INFO gunicorn\.access: 127\.0\.0\.1 "GET /api/v1/accounts HTTP/1\.1" 401 \d+ \d+ms', text)
    assert re.search(r"Z INFO plugcrm\.jobs: job 1 \(core\.email\) done", text)


def queue_an_email(instance: CliInstance) -> None:
    """One job for the worker to log about (no SMTP host: it goes to the outbox folder)."""
    app = create_app(load_settings(instance.path, **({"database_url": instance.env["DATABASE_URL"]}
                                                     if "DATABASE_URL" in instance.env else {})))
    with app.app_context():
        enqueue_email(["buyer@example.com"], "견적", "본문")
        session().commit()
    app.extensions["plugcrm"].engine.dispose()
