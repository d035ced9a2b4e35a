"""Alembic environment: the connection is handed in by core.migrate (no alembic.ini)."""
from alembic import context

from core.db import metadata
from core.search_index import is_search_index_object

config = context.config
connection = config.attributes["connection"]
prefix = config.attributes.get("table_prefix")


def include_object(obj, name, type_, reflected, compare_to):
    """Autogenerate for one plugin looks only at that plugin's tables, never at the search index."""
    if is_search_index_object(obj, name, type_):
        return False
    if prefix is None:
        return True
    table = obj.table.name if type_ in ("column", "index", "unique_constraint", "foreign_key_constraint") else name
    return table is not None and table.startswith(prefix)


context.configure(connection=connection, target_metadata=metadata, include_object=include_object,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
