"""workflows record the plugins they need (owner, entity, task types, functions) so a disabled plugin pauses them

Revision ID: workflows_0004
Revises: workflows_0003
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = 'workflows_0004'
down_revision = 'workflows_0003'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')
workflows = sa.table("workflows_workflows", sa.column("id", sa.Integer), sa.column("key", sa.String),
                     sa.column("plugin", sa.String), sa.column("requires", JSON))


def upgrade():
    with op.batch_alter_table('workflows_workflows') as batch:
        batch.add_column(sa.Column('requires', JSON, nullable=False, server_default=sa.text("'[]'")))
    conn = op.get_bind()
    # A workflow installed by code is named "<plugin>:<name>": it belongs to that plugin.
    for workflow_id, key, plugin in conn.execute(sa.select(workflows.c.id, workflows.c.key, workflows.c.plugin)).all():
        owner = plugin or (key.split(":", 1)[0] if key and ":" in key else "")
        conn.execute(sa.update(workflows).where(workflows.c.id == workflow_id)
                     .values(plugin=owner, requires=[owner] if owner else []))


def downgrade():
    with op.batch_alter_table('workflows_workflows') as batch:
        batch.drop_column('requires')
