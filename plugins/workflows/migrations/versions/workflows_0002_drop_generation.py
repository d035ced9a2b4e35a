"""the cache counter moved to core_generations (core.generations)

Revision ID: workflows_0002
Revises: workflows_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'workflows_0002'
down_revision = 'workflows_0001'
branch_labels = None
depends_on = ('core_0002',)


def upgrade():
    op.drop_table('workflows_generation')


def downgrade():
    op.create_table('workflows_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflows_generation'))
    )
