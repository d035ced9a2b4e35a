"""seal webhook secrets saved in plain text before they were sealed at rest (core.secret_values)

Revision ID: workflows_0003
Revises: workflows_0002
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from core import secret_values

revision = 'workflows_0003'
down_revision = 'workflows_0002'
branch_labels = None
depends_on = ('core_0003',)

workflows = sa.table("workflows_workflows", sa.column("id", sa.Integer),
                     sa.column("tasks", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")))


def rewrite(change) -> None:
    """Apply ``change(stored, secret_key)`` to the secret of every webhook task of every workflow."""
    secret_key = op.get_context().config.attributes.get("secret_key")
    if not secret_key:
        return  # plain secrets keep working; they are sealed the next time the workflow is saved
    conn = op.get_bind()
    for workflow_id, tasks in conn.execute(sa.select(workflows.c.id, workflows.c.tasks)).all():
        if not isinstance(tasks, list):
            continue
        new = [dict(task, secret=change(task["secret"], secret_key))
               if isinstance(task, dict) and task.get("type") == "webhook" and task.get("secret") else task
               for task in tasks]
        if new != tasks:
            conn.execute(workflows.update().where(workflows.c.id == workflow_id).values(tasks=new))


def upgrade():
    rewrite(lambda stored, key: stored if secret_values.is_sealed(stored) else secret_values.seal(stored, key))


def downgrade():
    rewrite(lambda stored, key: secret_values.reveal(stored, "webhook secret", key))
