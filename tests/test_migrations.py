"""The Alembic branches build exactly the schema the declarations describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.app import create_app
from core.config import Settings
from core.db import metadata
from core.migrate import upgrade
from core.search_index import is_search_index_object
from core.testing import fresh_postgres_database, is_postgres


def test_upgrade_from_empty_matches_the_models(tmp_path):
    if is_postgres():
        url = fresh_postgres_database()
    else:
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(Settings(instance_path=tmp_path, database_url=url, testing=True))
    runtime = app.extensions["plugcrm"]
    branches = upgrade(runtime)
    assert branches[0] == "core" and "customers" in branches
    enabled_tables = {e.table_name for e in runtime.registry.entities.values()}
    with runtime.engine.connect() as conn:
        opts = {"compare_type": False, "include_object": lambda obj, name, type_, *_: not is_search_index_object(
            obj, name, type_)}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)
    relevant = [d for d in diff if table_of(d) and (table_of(d).startswith("core_") or table_of(d) in enabled_tables)]
    assert relevant == [], relevant
    runtime.engine.dispose()


def table_of(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    obj = item[1] if len(item) > 1 else None
    if hasattr(obj, "table") and obj.table is not None:
        return obj.table.name
    if hasattr(obj, "name") and item[0] in ("add_table", "remove_table"):
        return obj.name
    return item[2] if len(item) > 2 and isinstance(item[2], str) else None
