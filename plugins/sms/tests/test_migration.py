"""The sms branch of migrations builds exactly the tables the models describe (and the no-delete trigger)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.app import create_app
from core.config import Settings
from core.db import metadata
from core.migrate import upgrade
from core.testing import fresh_postgres_database, is_postgres


def test_the_sms_branch_matches_the_models(tmp_path):
    url = fresh_postgres_database("sms_migrations") if is_postgres() else f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app(Settings(instance_path=tmp_path, database_url=url, testing=True,
                              plugins=["customers", "sms"]))
    runtime = app.extensions["plugcrm"]
    assert "sms" in upgrade(runtime)
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
        mine = [d for d in diff if "sms_" in repr(d)]
        assert mine == []
        if is_postgres():
            triggers = conn.execute(sa.text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'sms_log'::regclass "
                                            "AND NOT tgisinternal")).scalars().all()
            assert triggers == ["sms_log_no_delete"]
    runtime.engine.dispose()
