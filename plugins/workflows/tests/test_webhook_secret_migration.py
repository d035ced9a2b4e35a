"""workflows_0003 seals webhook secrets stored in plain text, and its downgrade opens them again."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

PLAIN = "a-shared-secret-of-20"


def test_the_upgrade_seals_plain_webhook_secrets_and_the_downgrade_opens_them(tmp_path):
    from alembic import command

    from core.app import create_app
    from core.config import Settings
    from core.migrate import alembic_config, upgrade
    from core.secret_values import is_sealed, reveal
    from plugins.workflows.models import Workflow

    app = create_app(Settings(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path / 'm.db'}", testing=True,
                              secret_key="deployment-key", plugins=["customers", "workflows"]))
    runtime = app.extensions["plugcrm"]
    upgrade(runtime)
    email = {"type": "send_email", "recipients": {"owner": True}, "subject": "s", "body": "b"}
    legacy = [email, {"type": "webhook", "url": "http://127.0.0.1:9/x", "secret": PLAIN}]
    now = dt.datetime(2026, 11, 22)
    table = Workflow.__table__
    with runtime.engine.begin() as conn:
        conn.execute(sa.insert(table).values(name="old", entity="accounts", active=True, log_all=False,
                                             trigger={"type": "create"}, conditions={}, tasks=legacy,
                                             created_at=now, updated_at=now))
        command.downgrade(alembic_config(runtime, conn), "workflows_0002")
        command.upgrade(alembic_config(runtime, conn), "workflows@head")
        tasks = conn.scalar(sa.select(table.c.tasks))
    assert tasks[0] == email and tasks[1]["url"] == "http://127.0.0.1:9/x"
    assert is_sealed(tasks[1]["secret"]) and PLAIN not in str(tasks)
    assert reveal(tasks[1]["secret"], "webhook secret", "deployment-key") == PLAIN
    with runtime.engine.begin() as conn:
        command.downgrade(alembic_config(runtime, conn), "workflows_0002")
        assert conn.scalar(sa.select(table.c.tasks)) == legacy
    runtime.engine.dispose()
