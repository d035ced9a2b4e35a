"""A "once" workflow never fires twice, even when two real ``plugcrm worker`` processes sweep together.

Runs on SQLite and on PostgreSQL (``.ci/run``); on PostgreSQL the workers
claim jobs with ``FOR UPDATE SKIP LOCKED`` and really run side by side, and
the unique (workflow, record) claim is what keeps each record to one firing.
"""
from __future__ import annotations

import os
import re
import subprocess

import sqlalchemy as sa

from core.testing import is_postgres
from core.testing_instance import plugcrm_executable
from plugins.workflows.tests.conftest import workflow

RECORDS = 40
SWEEPS = 6


def test_two_worker_processes_fire_each_record_once(app, api, crm_database_url, tmp_path):
    from core.db import session
    from core.entities import records
    from core.jobs import Job
    from core.runtime import runtime
    from plugins.workflows.models import FiredOnce, Run

    with app.app_context():
        accounts = runtime().registry.get("accounts")
        from core.security.models import User

        admin = session().scalar(sa.select(User))
        for i in range(RECORDS):
            records.create(accounts, {"name": f"고객 {i:03d}", "status": "vip"}, admin)
        session().commit()
    wf = workflow(api, trigger={"type": "once"}, conditions={"all": [{"field": "status", "op": "is", "value": "vip"}]},
                  tasks=[{"type": "send_email", "recipients": {"addresses": ["team@example.com"]},
                          "subject": "VIP {{ record.name }}", "body": "{{ record.number }}"}])
    for _ in range(SWEEPS):
        assert api.post(f"/api/v1/workflows/{wf['id']}/run", json={}).status_code == 202

    instance = tmp_path / "worker-instance"
    env = {**os.environ, "PLUGCRM_INSTANCE": str(instance), "DATABASE_URL": crm_database_url,
           "PLUGCRM_PLUGINS": "customers,workflows", "PLUGCRM_SECRET_KEY": "test-secret"}
    workers = [subprocess.Popen([plugcrm_executable(), "worker", "--exit-when-idle"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    ran = [int(re.search(r"stopped after (\d+) jobs", out).group(1)) for out in outputs]
    assert sum(ran) == SWEEPS + RECORDS, outputs  # every sweep and every email, each once
    if is_postgres():
        assert min(ran) > 0, outputs  # both workers really took part

    with app.app_context():
        assert session().scalar(sa.select(sa.func.count()).select_from(FiredOnce)) == RECORDS
        assert session().scalar(sa.select(sa.func.count()).select_from(Run)) == RECORDS
        statuses = session().execute(sa.select(Job.type, Job.status, sa.func.count()).group_by(Job.type, Job.status))
        counts = {(t, s): n for t, s, n in statuses if s != "queued" or t != "workflows.sweep"}
    assert counts == {("workflows.sweep", "done"): SWEEPS, ("core.email", "done"): RECORDS}
    assert len(list((instance / "outbox").glob("*.eml"))) == RECORDS
